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
  "$state_audit" scan "$source_dir/examples/notes-server" -p "$work/build" "${flags[@]}" \
    -o "$work/$mode.json"
done
if ! cmp -s "$work/skip.json" "$work/no-skip.json"; then
  echo "the example's report differs with --no-skip-bodies:" >&2
  diff "$work/skip.json" "$work/no-skip.json" >&2 || true
  exit 1
fi
echo "identical reports with and without body skipping ($(grep -c '"rule"' "$work/skip.json") findings)"
