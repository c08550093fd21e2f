#!/usr/bin/env bash
# Builds everything and runs every test: unit tests, the fixture runner, the CLI tests.
set -euo pipefail
cd "$(dirname "$0")/.."

cmake -S . -B build -G Ninja >/dev/null
cmake --build build
ctest --test-dir build --output-on-failure -j "$(nproc)"
