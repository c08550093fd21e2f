#!/usr/bin/env bash
# The chaos test end to end, the real thing: scripts/chaos-demo.sh builds examples/notes-server
# in memory and in Redis (under WORK_DIR), scans both, starts a redis-server of its own on a
# free loopback port, and runs `state-audit chaos` on each build (3 instances behind HAProxy,
# the instance serving the session SIGKILLed before the first read). Asserted here, from what
# the runs wrote:
#   - the in-memory build: exit 1, result "lost": the session lost under round-robin with no
#     kill, and again in the sticky round with the kill; the report names the session-state
#     findings that explain it (the transport's and the server's session maps);
#   - the Redis build: exit 0, result "resumed", every exchange ok.
# Needs haproxy, redis-server, redis-cli and hiredis (scripts/install-deps.sh): their absence
# fails the test. STATE_AUDIT_SKIP_CHAOS=1 skips it (exit 77).
#
#   chaos_e2e.sh STATE_AUDIT SOURCE_DIR WORK_DIR
set -uo pipefail
state_audit=$1
source_dir=$2
work=$3

if [ "${STATE_AUDIT_SKIP_CHAOS:-}" = 1 ]; then
  echo "skipped: STATE_AUDIT_SKIP_CHAOS=1 (the chaos test needs haproxy, redis-server and hiredis)"
  exit 77
fi

# haproxy and redis-server live in /usr/sbin and /usr/bin on Debian; a user's PATH may lack sbin.
export PATH="$PATH:/usr/sbin:/sbin"
missing=()
for program in haproxy redis-server redis-cli python3 pkg-config cmake ninja; do
  command -v "$program" >/dev/null 2>&1 || missing+=("$program")
done
pkg-config --exists hiredis 2>/dev/null || missing+=("hiredis (libhiredis-dev)")
if [ ${#missing[@]} -gt 0 ]; then
  echo "FAIL: the chaos test needs ${missing[*]}: run scripts/install-deps.sh" \
       "(or set STATE_AUDIT_SKIP_CHAOS=1 to skip it)" >&2
  exit 1
fi

mkdir -p "$work"
out="$work/out"
status=0
CHAOS_DEMO_NO_INSTALL=1 bash "$source_dir/scripts/chaos-demo.sh" \
  --build-dir "$work" --state-audit "$state_audit" --out "$out" >"$work/chaos-demo.log" 2>&1 || status=$?
cat "$work/chaos-demo.log"

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
expect_status() { # build expected
  local got
  got=$(cat "$out/$1.chaos.status" 2>/dev/null) || got="none (state-audit chaos did not run)"
  [ "$got" = "$2" ] || fail "$1: state-audit chaos exited with $got, expected $2"
}
expect_line() { # build extended-regex what
  grep -Eq -- "$2" "$out/$1.chaos.txt" 2>/dev/null || fail "$1: the chaos report has no line matching '$2' ($3)"
}

expect_status notes-server 1
expect_line notes-server '^result: lost: under round-robin with no kill, the session was lost [0-9]+ times? \(held by i[0-9]( and i[0-9])*\)[^;]*; in the sticky round with the kill of i[0-9], the session was lost [0-9]+ times? .*\([0-9]+ ok, [1-9][0-9]* session lost, ' \
  "the summary says lost, in both rounds"
expect_line notes-server '^ +[0-9]+  .*  session lost( |$)' "a step whose session was lost"
expect_line notes-server '^the state a session lives in, per instance: ' "the findings that explain it"
expect_line notes-server '^  .*mcp/http_transport\.h:[0-9]+ \[session-state\] mcp::HttpTransport::sessions_$' \
  "the transport's session map"
expect_line notes-server '^  .*mcp/server\.h:[0-9]+ \[session-state\] mcp::Server::sessions_$' \
  "the server's session map"

expect_status notes-server-redis 0
expect_line notes-server-redis \
  '^result: resumed: the session survived the kill of i[0-9] with no data lost \([0-9]+ exchanges: [0-9]+ ok, 0 session lost, 0 state lost, 0 data lost, 0 error\)$' \
  "the summary says resumed, every exchange ok"
expect_line notes-server-redis '^  -- SIGKILL to i[0-9] .*HAProxy marked it DOWN' "the kill happened and HAProxy saw it"

if [ "$status" -ne 0 ] && [ "$failures" -eq 0 ]; then
  fail "scripts/chaos-demo.sh exited with $status"
fi
if [ "$failures" -ne 0 ]; then
  echo "the runs' files (HAProxy configuration, every instance's log): $out" >&2
  exit 1
fi
echo "ok: the in-memory build lost the session, the Redis build resumed it"
