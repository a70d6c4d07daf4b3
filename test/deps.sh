#!/bin/sh
# deps.sh [fuzz]: installs the build and test dependencies that are
# missing, and nothing when all are there (libraries checked with
# pkg-config, tools with command -v).  Called by 'make demo' and 'make
# check'; NO_DEPS=1 skips it.  "fuzz" (make fuzz, .ci/run) adds clang and
# its libFuzzer runtime, checked by linking a fuzz target.
set -u
fuzz=0
[ "${1:-}" = fuzz ] && fuzz=1

# name:pkg-config-module:debian:fedora:alpine:brew
libs="curl:libcurl:libcurl4-openssl-dev:libcurl-devel:curl-dev:curl
jansson:jansson:libjansson-dev:jansson-devel:jansson-dev:jansson
libyaml:yaml-0.1:libyaml-dev:libyaml-devel:yaml-dev:libyaml
microhttpd:libmicrohttpd:libmicrohttpd-dev:libmicrohttpd-devel:libmicrohttpd-dev:libmicrohttpd
yajl:yajl:libyajl-dev:yajl-devel:yajl-dev:yajl"
# command:debian:fedora:alpine:brew
tools="cc:gcc:gcc:gcc:
make:make:make:make:make
pkg-config:pkg-config:pkgconf-pkg-config:pkgconf:pkg-config
bats:bats:bats:bats:bats-core
jq:jq:jq:jq:jq
python3:python3:python3:python3:python3
mandoc:mandoc:mandoc:mandoc:mandoc"
[ $fuzz = 1 ] && tools="$tools
clang:clang:clang:clang:llvm"
# The libFuzzer runtime, when clang links no fuzz target without it.
fuzzrt=":libclang-rt-dev:compiler-rt:compiler-rt:"

# Does clang link a fuzz target (-fsanitize=fuzzer)?
fuzz_links() {
	d=$(mktemp -d) || return 1
	printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
	    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
	    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
	    >"$d/t.c"
	clang -fsanitize=fuzzer,address,undefined -o "$d/t" "$d/t.c" \
	    >/dev/null 2>&1
	rc=$?
	rm -rf "$d"
	return $rc
}

if command -v apt-get >/dev/null 2>&1; then col=3
elif command -v dnf >/dev/null 2>&1; then col=4
elif command -v apk >/dev/null 2>&1; then col=5
elif command -v brew >/dev/null 2>&1; then col=6
else col=0
fi

missing=""
have_pc=0
command -v pkg-config >/dev/null 2>&1 && have_pc=1
for row in $libs; do
	mod=$(echo "$row" | cut -d: -f2)
	if [ $have_pc = 1 ] && pkg-config --exists "$mod" 2>/dev/null; then
		continue
	fi
	[ $col = 0 ] || missing="$missing $(echo "$row" | cut -d: -f$col)"
done
for row in $tools; do
	cmd=$(echo "$row" | cut -d: -f1)
	command -v "$cmd" >/dev/null 2>&1 && continue
	[ $col = 0 ] || missing="$missing $(echo "$row" | cut -d: -f$((col - 1)))"
done
sudo=""
if [ "$(id -u)" != 0 ] && [ $col != 6 ]; then
	command -v sudo >/dev/null 2>&1 && sudo=sudo
fi

# pkg_install PACKAGES: with the machine's package manager.
pkg_install() {
	echo "deps: installing: $*" >&2
	case $col in
	3) $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
	   $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" ;;
	4) $sudo dnf install -y "$@" ;;
	5) $sudo apk add "$@" ;;
	6) brew install "$@" ;;
	esac
}

missing=$(echo $missing)
if [ -n "$missing" ]; then
	if [ $col = 0 ]; then
		t="pkg-config, bats, jq, mandoc"
		[ $fuzz = 1 ] && t="$t, clang"
		echo "deps: no apt-get, dnf, apk or brew here; install by hand" \
		    "the libraries libcurl, jansson, libyaml, libmicrohttpd," \
		    "yajl and the tools $t (or run with NO_DEPS=1)" >&2
		exit 2
	fi
	pkg_install $missing || exit $?
fi
if [ $fuzz = 1 ] && ! fuzz_links; then
	rt=$(echo "$fuzzrt" | cut -d: -f$((col - 1)))
	if [ $col = 0 ] || [ -z "$rt" ]; then
		echo "deps: clang cannot link a fuzz target" \
		    "(-fsanitize=fuzzer): install its libFuzzer runtime" >&2
		exit 2
	fi
	pkg_install $rt || exit $?
	fuzz_links || { echo "deps: clang still cannot link a fuzz target" >&2; exit 2; }
fi
exit 0
