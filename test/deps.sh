#!/bin/sh
# deps.sh: installs the build and test dependencies that are missing, and
# nothing when all are there (libraries checked with pkg-config, tools with
# command -v).  Called by 'make demo' and 'make check'; NO_DEPS=1 skips it.
set -u

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
missing=$(echo $missing)
[ -n "$missing" ] || exit 0
if [ $col = 0 ]; then
	echo "deps: no apt-get, dnf, apk or brew here; install by hand the" \
	    "libraries libcurl, jansson, libyaml, libmicrohttpd, yajl and the" \
	    "tools pkg-config, bats, jq, mandoc (or run with NO_DEPS=1)" >&2
	exit 2
fi
sudo=""
if [ "$(id -u)" != 0 ] && [ $col != 6 ]; then
	command -v sudo >/dev/null 2>&1 && sudo=sudo
fi
echo "deps: installing:$missing" >&2
case $col in
3) $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
   $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing ;;
4) $sudo dnf install -y $missing ;;
5) $sudo apk add $missing ;;
6) brew install $missing ;;
esac
