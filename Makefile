# tkt: plain GNU make, no configure step.
# make [all] | demo | check | soak | test-v2 | test-v3 | bench | install
#      | uninstall | clean | lint | deps | fuzz
# check runs the test suite (test/*.bats), soak the long fault soaks and
# waits (test/soak/*.bats), of which check runs a short version each.
# SANITIZE=1 builds with -fsanitize=address,undefined; NO_DEPS=1 skips deps.
# make fuzz builds the libFuzzer targets, one per test/fuzz/NAME.c, into
# test/fuzz/build/fuzz-NAME with clang (FUZZ_CC), ASan and UBSan, against
# lib's sources compiled apart in test/fuzz/build/lib/ (the normal build is
# untouched); test/fuzz/run.sh [SECONDS] [NAME…] runs them over their seed
# corpora in test/fuzz/NAME/ (what .ci/run does, 25 s each).

VERSION    = 0.1.0
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
DATADIR   ?= $(PREFIX)/share/tkt
MANDIR    ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
DESTDIR   ?=

CC        ?= cc
CFLAGS    ?= -O2 -g
PKG_CONFIG ?= pkg-config
PKGS       = libcurl jansson yaml-0.1 yajl
# The sandbox's own: only lib/sandbox/ and cmd/tkt-sandbox use them.
SB_PKGS    = libmicrohttpd

WARN       = -std=c11 -Wall -Wextra -Werror
DEFS       = -D_GNU_SOURCE -DTKT_VERSION='"$(VERSION)"' \
             -DTKT_DATADIR_DEFAULT='"$(DATADIR)"'
ifeq ($(SANITIZE),1)
SANFLAGS   = -fsanitize=address,undefined -fno-omit-frame-pointer \
             -fno-sanitize-recover=undefined
endif
# The libraries' flags are asked of pkg-config only when a recipe that
# compiles or links is run, and once each: `make check` and `make demo`
# run `deps` (which installs what is missing) before their `$(MAKE) all`,
# and must not complain of a library first.  A library pkg-config cannot
# find stops the build: pkg-config's own message, then one naming them.
PKG_CFLAGS = $(call pkg,_pkg_cflags,--cflags,$(PKGS))
PKG_LIBS   = $(call pkg,_pkg_libs,--libs,$(PKGS))
SB_CFLAGS  = $(call pkg,_pkg_sb_cflags,--cflags,$(SB_PKGS))
SB_LIBS    = $(call pkg,_pkg_sb_libs,--libs,$(SB_PKGS))
# $(call pkg,VAR,OPTION,PACKAGES): pkg-config OPTION PACKAGES, kept in VAR.
pkg = $(if $(filter undefined,$(origin $1)),$(eval $1 := $(call pkg_ask,$2,$3)))$($1)
pkg_ask = $(if $(shell command -v $(firstword $(PKG_CONFIG))),$(call pkg_got,$(shell \
    $(PKG_CONFIG) $1 $2 && echo pkg-config:ok),$2),$(error $(firstword \
    $(PKG_CONFIG)) is not installed: run `make deps` to install it and the \
    libraries, or set PKG_CONFIG))
pkg_got = $(if $(filter pkg-config:ok,$1),$(filter-out pkg-config:ok,$1),$(error \
    $(PKG_CONFIG) finds no $(call pkg_missing,$2): `make deps` installs what \
    is missing (or set PKG_CONFIG_PATH to the directory of its .pc file)))
pkg_missing = $(or $(strip $(foreach p,$1,$(if $(shell $(PKG_CONFIG) --exists \
    $p 2>/dev/null && echo y),,$p))),$1)
ALL_CFLAGS = $(WARN) $(DEFS) -Ilib $(PKG_CFLAGS) $(CFLAGS) $(SANFLAGS)
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS)
LIBS       = $(PKG_LIBS) -lm -lpthread

BINS = $(patsubst cmd/%.c,cmd/%,$(wildcard cmd/tkt-*.c))
LIBSRC = $(wildcard lib/*.c)
LIBOBJ = $(LIBSRC:.c=.o)
LIBHDR = $(wildcard lib/*.h)
# tkt-sandbox's server, in its own archive: no other binary links it.
SBSRC  = $(wildcard lib/sandbox/*.c)
SBOBJ  = $(SBSRC:.c=.o)
SBHDR  = $(wildcard lib/sandbox/*.h)
MANS = $(wildcard man/*.[157])

.PHONY: all demo check soak bench install uninstall clean lint deps test-v2 \
        test-v3 fuzz fuzz-deps

all: $(BINS)

ifneq ($(V),1)
Q = @
SAY = @echo
else
SAY = @true
endif

lib/%.o: lib/%.c $(LIBHDR)
	$(SAY) "  CC      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

lib/libtkt.a: $(LIBOBJ)
	$(SAY) "  AR      $@"
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $(LIBOBJ)

lib/sandbox/%.o: lib/sandbox/%.c $(LIBHDR) $(SBHDR)
	$(SAY) "  CC      $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(SB_CFLAGS) -c -o $@ $<

lib/sandbox/libtktsandbox.a: $(SBOBJ)
	$(SAY) "  AR      $@"
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $(SBOBJ)

cmd/%: cmd/%.c lib/libtkt.a $(LIBHDR)
	$(SAY) "  CCLD    $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< lib/libtkt.a $(LIBS)

# The sandbox archive first: it uses libtkt.a, never the other way round.
cmd/tkt-sandbox: cmd/tkt-sandbox.c lib/sandbox/libtktsandbox.a lib/libtkt.a \
    $(LIBHDR) $(SBHDR)
	$(SAY) "  CCLD    $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< \
	    lib/sandbox/libtktsandbox.a lib/libtkt.a $(SB_LIBS) $(LIBS)

# Installs what is missing, only when something is missing.
deps:
ifneq ($(NO_DEPS),1)
	@sh test/deps.sh
endif

# The fuzzers: clang and its libFuzzer runtime besides the rest.
fuzz-deps:
ifneq ($(NO_DEPS),1)
	@sh test/deps.sh fuzz
endif

FUZZ_CC     ?= clang
FUZZ_BUILD   = test/fuzz/build
FUZZ_NAMES   = $(patsubst test/fuzz/%.c,%,$(wildcard test/fuzz/*.c))
FUZZ_BINS    = $(FUZZ_NAMES:%=$(FUZZ_BUILD)/fuzz-%)
FUZZ_LIBOBJ  = $(LIBSRC:lib/%.c=$(FUZZ_BUILD)/lib/%.o)
FUZZ_SAN     = -fsanitize=address,undefined -fno-sanitize-recover=undefined \
               -fno-omit-frame-pointer
FUZZ_CFLAGS  = $(WARN) $(DEFS) -Ilib $(PKG_CFLAGS) -g -O1 $(FUZZ_SAN) \
               -DTKT_FUZZ_DATADIR='"$(CURDIR)/share/tkt"'

fuzz: fuzz-deps
	@$(MAKE) --no-print-directory $(FUZZ_BINS)

$(FUZZ_BUILD)/lib/%.o: lib/%.c $(LIBHDR)
	@mkdir -p $(@D)
	$(SAY) "  FUZZCC  $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/libtkt.a: $(FUZZ_LIBOBJ)
	$(SAY) "  AR      $@"
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $(FUZZ_LIBOBJ)

$(FUZZ_BUILD)/fuzz-%: test/fuzz/%.c test/fuzz/fuzz.h $(FUZZ_BUILD)/libtkt.a \
    $(LIBHDR)
	$(SAY) "  FUZZLD  $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< \
	    $(FUZZ_BUILD)/libtkt.a $(LIBS)

demo: deps
	@$(MAKE) --no-print-directory all
	@sh share/tkt/examples/demo.sh

# Every suite runs against API v3, the default; the suites whose tools
# speak to the API (marked "# api: v2 v3" on their second line) run once
# more against v2, the legacy API (the sandbox serves both;
# test_helper.bash reads TKT_TEST_API).
API_SUITES = $(shell grep -l '^\# api: v2 v3' test/*.bats)

check: deps
	@$(MAKE) --no-print-directory all
	@s=0; TKT_TEST_API=v3 bats --tap test || s=1; \
	TKT_TEST_API=v2 bats --tap $(API_SUITES) || s=1; exit $$s

# The long soaks, out of check: thousands of tickets through injected
# faults, and every form of a long wait.  Each has a short version in
# check; the soaks' suites are marked for v2 like check's.
SOAK_API_SUITES = $(shell grep -l '^\# api: v2 v3' test/soak/*.bats)

soak: deps
	@$(MAKE) --no-print-directory all
	@s=0; TKT_TEST_API=v3 bats --tap test/soak || s=1; \
	TKT_TEST_API=v2 bats --tap $(SOAK_API_SUITES) || s=1; exit $$s

test-v3: all
	@TKT_TEST_API=v3 bats --tap test

test-v2: all
	@TKT_TEST_API=v2 bats --tap $(API_SUITES)

# The benches by name: test/bench also holds helpers (mkstore.sh, …).
BENCHES = actions lint list metrics record template
bench: all
	@for b in $(BENCHES); do sh test/bench/$$b.sh || exit 1; done

lint: all
	mandoc -Tlint -W warning $(MANS)
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
	    --std=c11 -Ilib --suppress=missingIncludeSystem lib cmd
	sh .ci/cycles.sh $(LIBOBJ)
	sh .ci/cycles.sh $(SBOBJ)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(BASHCOMPDIR) \
	    $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)
	cp -R share/tkt/. $(DESTDIR)$(DATADIR)
# The cron job must find the tools under cron's PATH: BINDIR goes in it.
	sed 's|@BINDIR@|$(BINDIR)|' share/tkt/examples/tkt-overdue-alert \
	    >$(DESTDIR)$(DATADIR)/examples/tkt-overdue-alert
	chmod 755 $(DESTDIR)$(DATADIR)/examples/tkt-overdue-alert
	for m in $(MANS); do \
	    s=$${m##*.}; install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s; done
	install -m 644 completions/tkt.bash $(DESTDIR)$(BASHCOMPDIR)/tkt
	for b in $(notdir $(BINS)); do \
	    ln -sf tkt $(DESTDIR)$(BASHCOMPDIR)/$$b; done
	install -m 644 completions/_tkt $(DESTDIR)$(ZSHCOMPDIR)/_tkt
	install -m 644 completions/tkt.fish $(DESTDIR)$(FISHCOMPDIR)/tkt.fish

uninstall:
	for b in $(notdir $(BINS)); do \
	    rm -f $(DESTDIR)$(BINDIR)/$$b $(DESTDIR)$(BASHCOMPDIR)/$$b; done
	rm -rf $(DESTDIR)$(DATADIR)
	for m in $(notdir $(MANS)); do \
	    s=$${m##*.}; rm -f $(DESTDIR)$(MANDIR)/man$$s/$$m; done
	rm -f $(DESTDIR)$(BASHCOMPDIR)/tkt $(DESTDIR)$(ZSHCOMPDIR)/_tkt \
	    $(DESTDIR)$(FISHCOMPDIR)/tkt.fish

clean:
	rm -f lib/*.o lib/libtkt.a lib/sandbox/*.o lib/sandbox/libtktsandbox.a \
	    $(BINS) test/bench/*.o
	rm -rf $(FUZZ_BUILD)
