#!/usr/bin/env bash
# Fetch CRuby's WASI build (the npm package @ruby/3.4-wasm-wasi) into the git-ignored .cache/ruby/,
# for the decode benchmark (bench/decode.ts). It is a large, real, toolchain-produced module
# (tens of MB): a better throughput target than anything small we could make ourselves.
#
# Usage: scripts/fetch-ruby-wasm.sh [VERSION]   (default: the registry's latest)
# Prints the path of the extracted .wasm on its last line.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/.cache/ruby"
PKG="@ruby/3.4-wasm-wasi${1:+@$1}"

mkdir -p "$OUT"
cd "$OUT"
# Already there? Reuse it (the package is large; refetch by removing .cache/ruby).
existing="$(find "$OUT/package" -name '*.wasm' -size +1M 2>/dev/null | sort | head -n1 || true)"
if [ -z "$existing" ]; then
  tarball="$(npm pack --silent "$PKG" | tail -n1)"
  rm -rf package
  tar -xzf "$tarball"
  rm -f "$tarball"
fi

# The package ships the interpreter with the standard library embedded (ruby+stdlib.wasm) and
# sometimes smaller variants; the bench wants the biggest one.
wasm="$(find "$OUT/package" -name '*.wasm' -printf '%s %p\n' | sort -rn | head -n1 | cut -d' ' -f2-)"
if [ -z "$wasm" ]; then
  echo "no .wasm found in $PKG" >&2
  exit 1
fi
ls -l "$OUT"/package/dist/*.wasm >&2 2>/dev/null || true
echo "$wasm"
