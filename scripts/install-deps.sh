#!/usr/bin/env bash
# Installs everything state-audit needs to build, test and run its demo on Debian 12.
set -euo pipefail

packages=(
  # build
  cmake ninja-build g++ ccache pkg-config git ca-certificates python3 time bsdutils
  # Clang/LLVM 19: the parser, and clang-tidy for the benchmark's comparison
  llvm-19-dev libclang-19-dev clang-19 clang-tidy-19
  # libFuzzer and the sanitizers for the fuzz targets (scripts/fuzz.sh)
  libclang-rt-19-dev
  # libc++ 19, for scanning projects built with -stdlib=libc++. They put the C++ runtime's
  # headers (cxxabi.h) into LLVM's include directory; the build searches that directory after
  # the standard library's (tests/check_include_order.py), and CI proves it with them present.
  libc++-19-dev libc++abi-19-dev
  # libraries
  libcli11-dev libgtest-dev libgmock-dev
  # packaging (CPack's .deb: dpkg-shlibdeps, scripts/package.sh)
  dpkg-dev
  # headers of the bundled example server (cpp-httplib brings OpenSSL, zlib, brotli); the
  # chaos runner's HTTP client is cpp-httplib too
  nlohmann-json3-dev libcpp-httplib-dev
  # state-audit chaos: the load balancer; the example's Redis-backed build and its Redis
  haproxy libhiredis-dev redis-server redis-tools
)

SUDO=
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js runs the SARIF validators the tests use; Debian's is enough where none is installed.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "state-audit: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The SARIF validators (SARIF Multitool, ajv), pinned by tools/sarif-validators/package-lock.json.
validators="$(dirname "$0")/../tools/sarif-validators"
multitool="$validators/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
if [ ! -x "$multitool" ] || [ "$validators/package-lock.json" -nt "$validators/node_modules" ]; then
  echo "state-audit: installing the SARIF validators (npm ci)"
  # npm trusts its own CA list; the system's also holds any CA the network requires.
  cafile=()
  [ -f /etc/ssl/certs/ca-certificates.crt ] && cafile=(--cafile=/etc/ssl/certs/ca-certificates.crt)
  (cd "$validators" && npm ci --no-audit --no-fund --loglevel=error "${cafile[@]}")
  # npm may leave install scripts unrun; the Multitool only needs to be executable.
  chmod u+x "$multitool"
  touch "$validators/node_modules"
fi
