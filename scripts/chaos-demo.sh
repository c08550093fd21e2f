#!/usr/bin/env bash
# Builds examples/notes-server twice (sessions and notes in memory, and in Redis), scans
# both, and runs `state-audit chaos` on each: 3 instances behind HAProxy, round-robin, the
# instance serving the session killed mid-session. The in-memory build loses the session
# (and says which findings explain it); the Redis build resumes with no data lost.
# Exits 0 when both outcomes are as expected.
set -euo pipefail
cd "$(dirname "$0")/.."

[ "${CHAOS_DEMO_NO_INSTALL:-}" = 1 ] || bash scripts/install-deps.sh
cmake -S . -B build -G Ninja >/dev/null
cmake --build build --target state-audit
sa=build/bin/state-audit
cmake -S examples/notes-server -B build/notes-server -G Ninja >/dev/null
cmake --build build/notes-server >/dev/null
cmake -S examples/notes-server -B build/notes-server-redis -G Ninja -DNOTES_STORE=redis >/dev/null
cmake --build build/notes-server-redis >/dev/null

work=$(mktemp -d)
redis_pid=
cleanup() {
  [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

for build in notes-server notes-server-redis; do
  "$sa" scan examples/notes-server -p "build/$build" --format json -o "$work/$build.json" \
    --fail-on never -q
done

# A Redis of its own on a free loopback port, nothing saved to disk.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no >"$work/redis.log" 2>&1 &
redis_pid=$!
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done

run() { # build, then the expected exit code
  local build=$1 want=$2 status=0
  echo
  echo "== $build =="
  NOTES_REDIS="127.0.0.1:$port" "$sa" chaos -q \
    --server "build/$build/notes-server --config examples/notes-server/chaos/notes-server.conf --port {port} --data-dir $work/data-$build-{instance}" \
    --instances 3 --lb round-robin --health /healthz \
    --steps examples/notes-server/chaos/steps.yaml --kill-at recall \
    --report "$work/$build.json" --work-dir "$work/chaos-$build" || status=$?
  if [ "$status" -ne "$want" ]; then
    echo "chaos-demo: $build: state-audit chaos exited with $status, expected $want" >&2
    return 1
  fi
}
run notes-server 1          # sessions and notes in memory: lost
run notes-server-redis 0    # sessions and notes in Redis: resumed
echo
echo "chaos-demo: the in-memory build lost the session, the Redis build resumed it"
