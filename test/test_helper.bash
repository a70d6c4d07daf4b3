# test_helper.bash: loaded by every test file.  Isolates each test (HOME,
# XDG dirs and config inside the test's own temporary directory, LC_ALL=C,
# TZ=UTC), puts the freshly built binaries first on PATH, and starts and
# stops tkt-sandbox on a loopback port it picks itself.

bats_require_minimum_version 1.5.0

# The source tree: above this file (a suite may sit in test/soak/).
TKT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="${TKT_BIN:-$TKT_ROOT/cmd}:$PATH"
export TKT_DATADIR="$TKT_ROOT/share/tkt"
FIXTURES="$TKT_ROOT/test/fixtures"
TEST_TOKEN="test-token-0123456789abcdef"
TEST_NOW="2026-11-23T12:00:00Z"
export LC_ALL=C TZ=UTC
unset TKT_CONFIG TKT_API TKT_STORE TKT_NOW NO_COLOR

# The API version the tools speak to the sandbox: make check runs every
# suite with v3, the default (so TKT_API stays unset, and the default is
# what is tested), and the suites marked "# api: v2 v3" again with v2
# (TKT_TEST_API=v2|v3); the sandbox serves both.
TKT_TEST_API="${TKT_TEST_API:-v3}"
case $TKT_TEST_API in
v2) export TKT_API=v2 ;;
v3) ;;
*) echo "TKT_TEST_API: '$TKT_TEST_API' is not v2 or v3" >&2; exit 1 ;;
esac

# only_api VERSION WHY: skips a test that checks one version's wire form
# when the suite runs against the other.
only_api() {
	[ "$TKT_TEST_API" = "$1" ] || skip "$1 only: $2"
}

# HOME and XDG inside the test's temporary directory (setup_file has only
# the file's one).
_tkt_tmp="${BATS_TEST_TMPDIR:-${BATS_FILE_TMPDIR:-/tmp}}"
export HOME="$_tkt_tmp/home"
export XDG_CONFIG_HOME="$HOME/.config" XDG_STATE_HOME="$HOME/.local/state"
export XDG_DATA_HOME="$HOME/.local/share" XDG_CACHE_HOME="$HOME/.cache"
mkdir -p "$HOME"

# start_sandbox [tkt-sandbox options]: starts a sandbox on a free port and
# exports SANDBOX_URL, SANDBOX_PID, TKT_API_URL and TKT_TOKEN.  Use it in
# setup_file for a shared read-only sandbox, or in a test for its own.
start_sandbox() {
	local dir="${BATS_TEST_TMPDIR:-$BATS_FILE_TMPDIR}" i
	local out="$dir/sandbox.$BASHPID.$RANDOM"
	tkt-sandbox -p 0 --token "$TEST_TOKEN" "$@" >"$out.out" 2>"$out.err" 3>&- &
	SANDBOX_PID=$!
	echo "$SANDBOX_PID" >>"$dir/.sandboxes"
	for i in $(seq 1 400); do
		[ -s "$out.out" ] && break
		kill -0 "$SANDBOX_PID" 2>/dev/null || break
		sleep 0.025
	done
	SANDBOX_URL=$(head -n 1 "$out.out")
	SANDBOX_ERR="$out.err"
	if [ -z "$SANDBOX_URL" ]; then
		echo "tkt-sandbox did not start:" >&2
		cat "$out.err" >&2
		return 1
	fi
	export SANDBOX_URL SANDBOX_PID SANDBOX_ERR
	export TKT_API_URL="$SANDBOX_URL" TKT_TOKEN="$TEST_TOKEN"
}

# reap_sandboxes: stops every sandbox this test started and left running
# (call it from teardown; a file's shared sandbox lives in another folder).
reap_sandboxes() {
	local f="${BATS_TEST_TMPDIR:-}/.sandboxes" pid
	[ -n "${BATS_TEST_TMPDIR:-}" ] && [ -f "$f" ] || return 0
	while read -r pid; do
		kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done <"$f"
	rm -f "$f"
	return 0
}

stop_sandbox() {
	if [ -n "${SANDBOX_PID:-}" ]; then
		kill "$SANDBOX_PID" 2>/dev/null
		wait "$SANDBOX_PID" 2>/dev/null
		SANDBOX_PID=
	fi
}

# listing_sandbox: the setup_file of the listing suites: one read-only
# sandbox of 400 tickets (seed 11) shared by the file's tests.
listing_sandbox() {
	export TKT_NOW="$TEST_NOW"
	start_sandbox --seed 11 --tickets 400 --now "$TEST_NOW"
}

# A config file for tests that need one; prints nothing.
write_config() {
	mkdir -p "$XDG_CONFIG_HOME/tkt"
	cat >"$XDG_CONFIG_HOME/tkt/config.yaml"
}

# start_fake ROUTES: serves canned answers (test/fakewish.py) and points
# TKT_API_URL at them.
start_fake() {
	local out="$BATS_TEST_TMPDIR/fake.$RANDOM" i
	python3 "$TKT_ROOT/test/fakewish.py" "$1" >"$out" 2>&1 3>&- &
	FAKE_PID=$!
	for i in $(seq 1 200); do
		[ -s "$out" ] && break
		sleep 0.025
	done
	FAKE_URL=$(head -n 1 "$out")
	export FAKE_URL FAKE_PID TKT_API_URL="$FAKE_URL" TKT_TOKEN="$TEST_TOKEN"
}

stop_fake() {
	[ -n "${FAKE_PID:-}" ] && kill "$FAKE_PID" 2>/dev/null
	wait "${FAKE_PID:-}" 2>/dev/null || true
	FAKE_PID=
	return 0
}
