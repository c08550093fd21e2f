#!/usr/bin/env bash
# Installs everything state-audit needs to build, test and run its demo on Debian 12.
set -euo pipefail

packages=(
  # build
  cmake ninja-build g++ ccache pkg-config git ca-certificates
  # Clang/LLVM 19: the parser, and clang-tidy for the benchmark's comparison
  llvm-19-dev libclang-19-dev clang-19 clang-tidy-19
  # libraries
  libcli11-dev libfmt-dev libgtest-dev libgmock-dev
  # headers of the bundled example server (cpp-httplib brings OpenSSL, zlib, brotli)
  nlohmann-json3-dev libcpp-httplib-dev
)

SUDO=
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "state-audit: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
