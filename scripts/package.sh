#!/usr/bin/env bash
# Builds the Debian package of state-audit with CPack from a build directory and checks it:
# the files it installs, its dependencies, and that the packaged program runs.
#
#   scripts/package.sh [BUILD_DIR [OUT_DIR]]     (defaults: build, BUILD_DIR/package)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
out=${2:-$build/package}

cmake --build "$build" --target state-audit
rm -rf "$out" && mkdir -p "$out"
cpack --config "$build/CPackConfig.cmake" -G DEB -B "$out" >"$out/cpack.log" 2>&1 || {
  cat "$out/cpack.log" >&2
  exit 1
}
deb=$(ls "$out"/state-audit_*_amd64.deb)
version=$(dpkg-deb -f "$deb" Version)
depends=$(dpkg-deb -f "$deb" Depends)
echo "built $deb (version $version)"
echo "depends: $depends"

fail() { echo "FAIL: $*" >&2; exit 1; }
contents=$(dpkg-deb -c "$deb")
grep -q ' ./usr/bin/state-audit$' <<<"$contents" || fail "the package has no /usr/bin/state-audit"
grep -q ' ./usr/share/doc/state-audit/rules/session-state.md$' <<<"$contents" ||
  fail "the package has no rule pages under /usr/share/doc/state-audit/rules"
for dep in libllvm19 libclang-cpp19 libclang-common-19-dev libstdc++; do
  grep -q "$dep" <<<"$depends" || fail "the package does not depend on $dep"
done
[ "$version" = "$("$build/bin/state-audit" --version | awk '{print $2}')" ] ||
  fail "the package version $version is not the program's"

# The packaged program, unpacked, runs and knows its rules.
root="$out/root"
dpkg-deb -x "$deb" "$root"
"$root/usr/bin/state-audit" --version
rules=$("$root/usr/bin/state-audit" rules)
grep -q '^session-state' <<<"$rules" || fail "the packaged program lists no rules"
page=$("$root/usr/bin/state-audit" explain connection-pool)
grep -q '^# connection-pool' <<<"$page" || fail "the packaged program has no rule pages"
echo "package OK: $deb"
