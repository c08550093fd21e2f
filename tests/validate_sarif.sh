#!/usr/bin/env bash
# Validates SARIF reports with the real validators: the SARIF Multitool (the 2.1.0 schema and
# GitHub's ingestion rules, --rule-kind "Gh;Sarif") and ajv against the schema file the
# Multitool ships. Any error or warning from either fails the test.
#
#   validate_sarif.sh STATE_AUDIT SOURCE_DIR WORK_DIR
set -euo pipefail
state_audit=$1
source_dir=$2
work=$3

validators="$source_dir/tools/sarif-validators/node_modules"
multitool="$validators/@microsoft/sarif-multitool-linux/Sarif.Multitool"
schema="$validators/@microsoft/sarif-multitool-linux/sarif-2.1.0.json"
ajv="$validators/.bin/ajv"
if [ ! -x "$multitool" ] || [ ! -x "$ajv" ]; then
  echo "the SARIF validators are not installed: run scripts/install-deps.sh" >&2
  exit 1
fi

rm -rf "$work" && mkdir -p "$work"
sdk="-I$source_dir/fixtures/_sdk"
scan() { # name fixture [options...]
  local name=$1 fixture=$2
  shift 2
  "$state_audit" scan "$source_dir/fixtures/$fixture" --root "$source_dir/fixtures/$fixture" \
    --format sarif -o "$work/$name.sarif" --fail-on never "$@" -- "$sdk" 2>/dev/null
}
# Every fixture's report, plus the variants that add optional parts of SARIF.
for dir in "$source_dir"/fixtures/*/; do
  name=$(basename "$dir")
  case "$name" in _*) continue ;; esac
  if [ -f "$dir/fixture.args" ] && grep -q -- '-std=c++20' "$dir/fixture.args"; then
    scan "$name" "$name" -- -std=c++20 || true
  else
    scan "$name" "$name" || true
  fi
done
scan suppressed-included suppressions --sarif-include-suppressed
scan with-baseline levels --baseline "$work/session-state.sarif"

# The bundled example, from its own compile database.
cmake -S "$source_dir/examples/notes-server" -B "$work/notes-server-build" -G Ninja >/dev/null
"$state_audit" scan "$source_dir/examples/notes-server" -p "$work/notes-server-build" \
  --format sarif -o "$work/notes-server.sarif" --fail-on never 2>/dev/null

status=0
count=0
for f in "$work"/*.sarif; do
  count=$((count + 1))
  out="$f.validation.json"
  DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 "$multitool" validate "$f" --rule-kind "Gh;Sarif" \
    -o "$out" --log ForceOverwrite >/dev/null 2>&1 || true
  if [ ! -s "$out" ]; then
    echo "FAIL $(basename "$f"): the Multitool produced no output" >&2
    status=1
    continue
  fi
  problems=$(python3 - "$out" <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))
for run in log.get("runs", []):
    rules = {r["id"]: r for r in run["tool"]["driver"].get("rules", [])}
    for r in run.get("results", []):
        if r.get("level", "warning") not in ("error", "warning"):
            continue
        m = r["message"]
        text = m.get("text") or rules.get(r["ruleId"], {}).get("messageStrings", {}).get(
            m.get("id"), {}).get("text", "")
        for i, a in enumerate(m.get("arguments", [])):
            text = text.replace("{%d}" % i, str(a))
        print(f'{r["ruleId"]}: {text}')
PY
)
  if [ -n "$problems" ]; then
    echo "FAIL $(basename "$f") (SARIF Multitool):" >&2
    echo "$problems" >&2
    status=1
  fi
  cp "$f" "$f.json" # ajv picks its parser by file extension
  if ! "$ajv" validate --spec=draft2020 -c ajv-formats --strict=false --errors=text \
      -s "$schema" -d "$f.json" >"$f.ajv.txt" 2>&1; then
    echo "FAIL $(basename "$f") (ajv, SARIF 2.1.0 schema):" >&2
    cat "$f.ajv.txt" >&2
    status=1
  fi
done
echo "validated $count SARIF reports with the SARIF Multitool (Gh;Sarif) and ajv"
exit $status
