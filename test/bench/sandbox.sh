# sandbox.sh: sourced by the benches that talk to tkt-sandbox.  Sets top
# and out (test/bench/out), puts the built binaries first on PATH, keeps
# HOME, the XDG dirs (and so the journal) and the config inside $out, never
# the user's, and defines:
#   serve FLAG...        tkt-sandbox on a free port; TKT_API_URL exported
#   unserve              stops it (the sandbox compacts its -d store first)
#   fresh STORE FLAG...  unserve, forget the journal, serve a copy of STORE
# Run as `sh sandbox.sh fresh STORE FLAG...` it does that one thing: a
# hyperfine --prepare command, so that every timed run meets a new sandbox.
# The sandbox outlives that command: its pid is kept in $out/sandbox.pid.
top=${top:-$(cd "$(dirname "$0")/../.." && pwd)}
out="$top/test/bench/out"
mkdir -p "$out/home" "$out/state" "$out/config"
export PATH="$top/cmd:$PATH" TKT_DATADIR="$top/share/tkt" TKT_CONFIG=/dev/null
export HOME="$out/home" XDG_STATE_HOME="$out/state" XDG_CONFIG_HOME="$out/config"
export TKT_TOKEN=t TKT_NOW=2026-11-23T12:00:00Z

serve() {
	rm -f "$out/origin"
	tkt-sandbox -p 0 --token t --now "$TKT_NOW" "$@" >"$out/origin" \
	    2>"$out/sandbox.err" </dev/null &
	echo $! >"$out/sandbox.pid"
	while [ ! -s "$out/origin" ]; do
		if ! kill -0 "$(cat "$out/sandbox.pid")" 2>/dev/null; then
			cat "$out/sandbox.err" >&2
			return 1
		fi
		sleep 0.05
	done
	TKT_API_URL=$(head -n 1 "$out/origin")
	export TKT_API_URL
}

unserve() {
	[ -s "$out/sandbox.pid" ] || return 0
	p=$(cat "$out/sandbox.pid")
	rm -f "$out/sandbox.pid"
	kill "$p" 2>/dev/null || return 0
	# Our child is waited for; one a --prepare command started, polled
	# (and one a subshell cannot wait for is done once a zombie).
	wait "$p" 2>/dev/null || true
	while kill -0 "$p" 2>/dev/null; do
		case $(ps -o stat= -p "$p" 2>/dev/null) in Z*) break ;; esac
		sleep 0.05
	done
}

fresh() {
	unserve
	rm -rf "$XDG_STATE_HOME/tkt"
	cp "$1" "$out/run.jsonl"
	shift
	serve -d "$out/run.jsonl" "$@"
}

case $0 in
*sandbox.sh) "$@" ;;
esac
