#!/usr/bin/env bash
# smoke.sh FUZZ_BUILD_DIR [SECONDS]: runs every fuzz target found in FUZZ_BUILD_DIR/bin for
# SECONDS (default 15) each, one after the other, on a copy of its seeds. Exit 77 (ctest: skipped)
# when there is no fuzz build; scripts/fuzz.sh makes one.
set -euo pipefail
build=$1 seconds=${2:-15}
src="$(cd "$(dirname "$0")" && pwd)"
shopt -s nullglob
fuzzers=("$build"/bin/fuzz_*)
if [ ${#fuzzers[@]} -eq 0 ]; then
  echo "no fuzz build in $build (scripts/fuzz.sh builds one): skipped"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for f in "${fuzzers[@]}"; do
  name=${f##*/fuzz_}
  echo "== fuzz_$name: $seconds s"
  bash "$src/run-fuzzer.sh" "$f" "$src/corpus/$name" "$work/$name" "$seconds" 2>&1 | tail -n 3
  [ "${PIPESTATUS[0]}" -eq 0 ] || { echo "fuzz_$name failed; reproducer in $work"; trap - EXIT; exit 1; }
done
