#!/usr/bin/env bash
# Builds examples/notes-server twice (sessions and notes in memory, and in Redis), scans
# both, and runs `state-audit chaos` on each: 3 instances behind HAProxy, a first session
# under round-robin, then one sticky on Mcp-Session-Id whose instance is killed mid-session. The in-memory build loses the session
# (and says which findings explain it); the Redis build resumes with no data lost.
# Exits 0 when both outcomes are as expected.
#
# Usage: scripts/chaos-demo.sh [--build-dir DIR] [--state-audit PROGRAM] [--out DIR]
#   --build-dir DIR        build the example in DIR/notes-server and DIR/notes-server-redis
#                          (default: build, beside state-audit's own build)
#   --state-audit PROGRAM  run this state-audit instead of building build/bin/state-audit
#   --out DIR              keep what the runs wrote in DIR (default: a temporary directory,
#                          removed at the end): for each build B, B.scan.json (the scan),
#                          B.chaos.txt (the chaos report), B.chaos.status (its exit code) and
#                          chaos-B/ (the HAProxy configuration and every process's log);
#                          redis.log
# CHAOS_DEMO_NO_INSTALL=1 skips scripts/install-deps.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build
sa=
out=
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build_dir=${2:?--build-dir needs a directory}; shift 2 ;;
    --state-audit) sa=${2:?--state-audit needs a program}; shift 2 ;;
    --out) out=${2:?--out needs a directory}; shift 2 ;;
    *) echo "chaos-demo: unknown argument '$1' (see the usage at the top of $0)" >&2; exit 2 ;;
  esac
done

[ "${CHAOS_DEMO_NO_INSTALL:-}" = 1 ] || bash scripts/install-deps.sh
if [ -z "$sa" ]; then
  cmake -S . -B build -G Ninja >/dev/null
  cmake --build build --target state-audit
  sa=build/bin/state-audit
fi
cmake -S examples/notes-server -B "$build_dir/notes-server" -G Ninja >/dev/null
cmake --build "$build_dir/notes-server" >/dev/null
cmake -S examples/notes-server -B "$build_dir/notes-server-redis" -G Ninja -DNOTES_STORE=redis >/dev/null
cmake --build "$build_dir/notes-server-redis" >/dev/null

if [ -n "$out" ]; then
  rm -rf "$out"
  mkdir -p "$out"
  work=$(cd "$out" && pwd)
  keep=1
else
  work=$(mktemp -d)
  keep=
fi
redis_pid=
cleanup() {
  if [ -n "$redis_pid" ]; then
    kill "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
  fi
  [ -n "$keep" ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for build in notes-server notes-server-redis; do
  "$sa" scan examples/notes-server -p "$build_dir/$build" --format json -o "$work/$build.scan.json" \
    --fail-on never -q
done

# A Redis of its own on a free loopback port, nothing saved to disk. The port is free when
# asked for but may be taken before redis-server binds it: then another one.
port=
for _ in 1 2 3; do
  try=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  redis-server --port "$try" --bind 127.0.0.1 --save '' --appendonly no >"$work/redis.log" 2>&1 &
  redis_pid=$!
  for _ in $(seq 50); do
    if redis-cli -p "$try" ping >/dev/null 2>&1; then port=$try; break; fi
    kill -0 "$redis_pid" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$port" ] && break
  kill "$redis_pid" 2>/dev/null || true
  wait "$redis_pid" 2>/dev/null || true
  redis_pid=
done
if [ -z "$port" ]; then
  echo "chaos-demo: redis-server did not answer on 127.0.0.1; its output:" >&2
  cat "$work/redis.log" >&2
  exit 1
fi

run() { # build, then the expected exit code
  local build=$1 want=$2 status=0
  echo
  echo "== $build =="
  NOTES_REDIS="127.0.0.1:$port" "$sa" chaos -q \
    --server "$build_dir/$build/notes-server --config examples/notes-server/chaos/notes-server.conf --port {port} --data-dir $work/data-$build-{instance}" \
    --instances 3 --lb sticky --health /healthz \
    --steps examples/notes-server/chaos/steps.yaml --kill-at recall \
    --report "$work/$build.scan.json" --work-dir "$work/chaos-$build" \
    | tee "$work/$build.chaos.txt" || status=${PIPESTATUS[0]}
  echo "$status" >"$work/$build.chaos.status"
  if [ "$status" -ne "$want" ]; then
    echo "chaos-demo: $build: state-audit chaos exited with $status, expected $want" >&2
    return 1
  fi
}
status=0
run notes-server 1 || status=1          # sessions and notes in memory: lost
run notes-server-redis 0 || status=1    # sessions and notes in Redis: resumed
echo
if [ "$status" -ne 0 ]; then
  echo "chaos-demo: an outcome was not the expected one" >&2
  exit 1
fi
echo "chaos-demo: the in-memory build lost the session, the Redis build resumed it"
