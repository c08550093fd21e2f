#!/usr/bin/env bash
# Installs the dependencies, builds state-audit, and audits the bundled example MCP server
# (examples/notes-server), printing the report.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake -S . -B build -G Ninja >/dev/null
cmake --build build --target state-audit
# The example's CMake exports the compile database the scan reads.
cmake -S examples/notes-server -B build/notes-server -G Ninja >/dev/null

status=0
build/bin/state-audit scan examples/notes-server -p build/notes-server || status=$?
echo
echo "state-audit exited with $status (0 gate passed, 1 gate failed, 2 usage or input error, 3 incomplete analysis)"
