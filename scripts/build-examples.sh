#!/usr/bin/env bash
# Rebuilds examples/*.wasm from their C sources with Debian's clang-16 and wasi-libc.
set -euo pipefail
cd "$(dirname "$0")/.."
WHAT="The examples"
. scripts/wasi-toolchain.sh
for c in examples/*.c; do
  out="${c%.c}.wasm"
  "$CLANG" --target=wasm32-wasi "--sysroot=$WASI_SYSROOT" -O2 "$c" -Wl,--strip-debug -o "$out"
  echo "built $out"
done
