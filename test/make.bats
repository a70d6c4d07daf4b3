#!/usr/bin/env bats
# make.bats: the Makefile asks pkg-config for the libraries' flags only
# when it compiles, once each, and a library pkg-config cannot find stops
# the build naming it and the fix.  Every make here runs with -n -B: it
# prints what it would run and writes nothing into the tree.

load test_helper

setup() {
	PC_LOG="$BATS_TEST_TMPDIR/pkg-config.log"
}

# fake_pkg_config [MISSING...]: a pkg-config ($PC) that logs each call with
# the make level that made it to $PC_LOG, says of each library MISSING what
# pkg-config says and fails, and passes anything else to the real one.
fake_pkg_config() {
	PC="$BATS_TEST_TMPDIR/pkg-config"
	{
		printf '#!/bin/sh\necho "${MAKELEVEL:-0} $*" >>"%s"\nrc=0\nfor a; do\n' "$PC_LOG"
		printf '\tcase " %s " in *" $a "*)\n' "$*"
		printf '\t\techo "Package $a was not found in the pkg-config search path." >&2\n'
		printf '\t\trc=1 ;;\n\tesac\ndone\n[ $rc = 0 ] || exit $rc\nexec pkg-config "$@"\n'
	} >"$PC"
	chmod +x "$PC"
}

# tkt_make ARGS...: make -n -B in the tree, as if run from a shell (not
# from make check's own make), stdout and stderr apart.
tkt_make() {
	run --separate-stderr env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	    make --no-print-directory -C "$TKT_ROOT" -n -B "$@"
}

@test "a library pkg-config cannot find stops the build, named with the fix, before anything compiles" {
	fake_pkg_config yajl
	tkt_make all PKG_CONFIG="$PC"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"Package yajl was not found in the pkg-config search path."* ]]
	[[ "$stderr" == *"*** $PC finds no yajl: \`make deps\` installs what is missing (or set PKG_CONFIG_PATH to the directory of its .pc file).  Stop."* ]]
	[[ "$stderr" != *libcurl* ]]
	[[ "$output" != *"cc "* ]]
	# The sandbox's own library, when it alone is missing.
	fake_pkg_config libmicrohttpd
	tkt_make cmd/tkt-sandbox PKG_CONFIG="$PC"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"*** $PC finds no libmicrohttpd: \`make deps\` installs"* ]]
}

@test "with no library found, the real pkg-config's message and make's name each one" {
	command -v pkg-config >/dev/null || skip "pkg-config is not installed"
	PKG_CONFIG_PATH=/nonexistent PKG_CONFIG_LIBDIR=/nonexistent tkt_make all
	[ "$status" -eq 2 ]
	local lib
	for lib in libcurl jansson yaml-0.1 yajl; do
		[[ "$stderr" == *"Package '$lib', required by 'virtual:world', not found"* ]] ||
		    { echo "pkg-config did not name $lib"; return 1; }
	done
	[[ "$stderr" == *"*** pkg-config finds no libcurl jansson yaml-0.1 yajl: \`make deps\` installs what is missing"* ]]
}

@test "a pkg-config that is not installed is named, with the fix" {
	tkt_make all PKG_CONFIG=/nonexistent/pkg-config
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"*** /nonexistent/pkg-config is not installed: run \`make deps\` to install it and the libraries, or set PKG_CONFIG.  Stop."* ]]
}

@test "pkg-config is asked once per flag set, and only by the make that compiles" {
	fake_pkg_config
	tkt_make all PKG_CONFIG="$PC"
	[ "$status" -eq 0 ]
	[ "$(sort "$PC_LOG")" = "0 --cflags libcurl jansson yaml-0.1 yajl
0 --cflags libmicrohttpd
0 --libs libcurl jansson yaml-0.1 yajl
0 --libs libmicrohttpd" ]
	# make check, make soak and make demo run deps, then a make of their
	# own for the build: only that one asks (the make of deps would
	# complain of a library deps is about to install).
	local t
	for t in check soak demo; do
		: >"$PC_LOG"
		tkt_make "$t" NO_DEPS=1 PKG_CONFIG="$PC"
		[ "$status" -eq 0 ]
		[ -s "$PC_LOG" ]
		[ -z "$(grep -v '^1 ' "$PC_LOG")" ] || { echo "$t:"; cat "$PC_LOG"; return 1; }
	done
	# Nothing that compiles nothing asks, even with every library missing.
	fake_pkg_config libcurl jansson yaml-0.1 yajl libmicrohttpd
	: >"$PC_LOG"
	for t in deps clean uninstall; do
		tkt_make "$t" NO_DEPS=1 PKG_CONFIG="$PC"
		[ "$status" -eq 0 ]
	done
	[ ! -s "$PC_LOG" ]
}
