#!/usr/bin/env bash
# run-fuzzer.sh FUZZER SEEDS WORK_CORPUS SECONDS: runs one libFuzzer target for SECONDS on a copy
# of the seeds; a crash fails (the reproducer is left in WORK_CORPUS/../).
set -euo pipefail
fuzzer=$1 seeds=$2 work=$3 seconds=$4
mkdir -p "$work"
cp -n "$seeds"/* "$work"/ 2>/dev/null || true
cd "$(dirname "$work")"
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -print_final_stats=1 "$work"
