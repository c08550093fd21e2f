#!/usr/bin/env bash
# The example server's report must be identical with and without skipping the bodies of
# functions outside the project (the fixtures are compared by the fixture runner).
#   compare_skip_bodies.sh STATE_AUDIT SOURCE_DIR WORK_DIR
set -euo pipefail
state_audit=$1
source_dir=$2
work=$3
rm -rf "$work" && mkdir -p "$work"
cmake -S "$source_dir/examples/notes-server" -B "$work/build" -G Ninja >/dev/null
for mode in skip no-skip; do
  flags=(--no-cache --format json --fail-on never -q)
  [ "$mode" = no-skip ] && flags+=(--no-skip-bodies)
  # 0: gate passed, 1: gate failed (findings); anything else means there is no report to compare.
  status=0
  "$state_audit" scan "$source_dir/examples/notes-server" -p "$work/build" "${flags[@]}" \
    -o "$work/$mode.json" 2>"$work/$mode.stderr" || status=$?
  if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
    echo "FAIL examples/notes-server ($mode): state-audit scan exited with $status (expected 0 or 1):" >&2
    cat "$work/$mode.stderr" >&2
    exit 1
  fi
done
# diff exits 1 when the reports differ (shown, then the test fails) and 2 when it cannot
# compare them (a missing report): either way the test fails.
if ! diff -u "$work/skip.json" "$work/no-skip.json" >"$work/skip-bodies.diff" 2>&1; then
  echo "FAIL examples/notes-server: the report differs with --no-skip-bodies:" >&2
  cat "$work/skip-bodies.diff" >&2
  exit 1
fi
echo "identical reports with and without body skipping ($(grep -c '"rule"' "$work/skip.json") findings)"
