#!/usr/bin/env bash
# Builds the libFuzzer targets in build-fuzz (clang-19) and runs each for ${1:-60} seconds, one
# after the other. CI (.ci/run) runs it with 30; before changing a parser, run 600.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
CC=clang-19 CXX=clang++-19 cmake -S . -B build-fuzz -G Ninja -DSTATE_AUDIT_FUZZ=ON \
  -DBUILD_TESTING=ON -DFUZZ_SECONDS="$seconds" >/dev/null
cmake --build build-fuzz --target fuzzers
ctest --test-dir build-fuzz -L fuzz --output-on-failure
