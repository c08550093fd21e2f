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
# A scan exits 0 (gate passed) or 1 (gate failed: findings); anything else (2: usage or input
# error, 3: incomplete analysis, a crash) means there is no report worth validating.
check_exit() { # what status log
  local what=$1 status=$2 log=$3
  if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
    echo "FAIL $what: state-audit scan exited with $status (expected 0 or 1):" >&2
    cat "$log" >&2
    exit 1
  fi
}
scan() { # name fixture [scan options...]; compiler flags beyond the SDK's in $cxx_flags
  local name=$1 fixture=$2 status=0
  shift 2
  "$state_audit" scan "$source_dir/fixtures/$fixture" --root "$source_dir/fixtures/$fixture" \
    --format sarif -o "$work/$name.sarif" --fail-on never "$@" -- "$sdk" ${cxx_flags[@]+"${cxx_flags[@]}"} \
    2>"$work/$name.stderr" || status=$?
  check_exit "fixture '$fixture' ($name.sarif)" "$status" "$work/$name.stderr"
}
# Every fixture's report, plus the variants that add optional parts of SARIF.
for dir in "$source_dir"/fixtures/*/; do
  name=$(basename "$dir")
  case "$name" in _*) continue ;; esac
  cxx_flags=()
  if [ -f "$dir/fixture.args" ] && grep -q -- '-std=c++20' "$dir/fixture.args"; then
    cxx_flags=(-std=c++20)
  fi
  scan "$name" "$name"
done
cxx_flags=()
scan suppressed-included suppressions --sarif-include-suppressed
scan with-notes levels --sarif-level note
scan with-baseline levels --baseline "$work/session-state.sarif"

# The bundled example, from its own compile database.
cmake -S "$source_dir/examples/notes-server" -B "$work/notes-server-build" -G Ninja >/dev/null
status=0
"$state_audit" scan "$source_dir/examples/notes-server" -p "$work/notes-server-build" \
  --format sarif -o "$work/notes-server.sarif" --fail-on never \
  2>"$work/notes-server.stderr" || status=$?
check_exit "examples/notes-server (notes-server.sarif)" "$status" "$work/notes-server.stderr"

status=0
count=0
for f in "$work"/*.sarif; do
  count=$((count + 1))
  out="$f.validation.json"
  # The Multitool's verdict is its log (read below), whatever its exit status; no log at all
  # is a failure of its own.
  multitool_status=0
  DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 "$multitool" validate "$f" --rule-kind "Gh;Sarif" \
    -o "$out" --log ForceOverwrite >"$f.multitool.txt" 2>&1 || multitool_status=$?
  if [ ! -s "$out" ]; then
    echo "FAIL $(basename "$f"): the Multitool produced no output (exit status $multitool_status):" >&2
    cat "$f.multitool.txt" >&2
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
  # What code scanning shows: every error and warning has a code flow, its message gives what
  # and why, then the fix, and links only related locations that exist; notes only on request.
  shown=$(python3 - "$f" <<'PY'
import json, re, sys
path = sys.argv[1]
log = json.load(open(path))
bad = []
for run in log["runs"]:
    for r in run["results"]:
        where = f'{r["ruleId"]} at {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]}'
        text = r["message"]["text"]
        if r["level"] == "note" and not path.endswith("with-notes.sarif"):
            bad.append(f"{where}: a note in a report without --sarif-level note")
        if r["level"] in ("error", "warning"):
            flows = r.get("codeFlows", [])
            steps = [l for f in flows for t in f["threadFlows"] for l in t["locations"]]
            if not steps:
                bad.append(f"{where}: no codeFlows")
            for s in steps:
                if "physicalLocation" not in s["location"] or not s["location"].get("message", {}).get("text"):
                    bad.append(f"{where}: a code flow step without a location or a message")
        hint = r.get("properties", {}).get("hint")
        if hint and " Fix: " not in text:
            bad.append(f"{where}: the message does not give the fix")
        ids = {l["id"] for l in r.get("relatedLocations", [])}
        for link in re.findall(r"(?<!\\)\]\((\d+)\)", text):
            if int(link) not in ids:
                bad.append(f"{where}: the message links [..]({link}), which is no related location")
        if ids and not re.search(r"\]\(\d+\)", text):
            bad.append(f"{where}: related locations that the message does not link")
print("\n".join(bad))
PY
)
  if [ -n "$shown" ]; then
    echo "FAIL $(basename "$f") (what code scanning shows):" >&2
    echo "$shown" >&2
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
echo "validated $count SARIF reports with the SARIF Multitool (Gh;Sarif) and ajv, and their code flows and messages"
exit $status
