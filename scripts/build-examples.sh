#!/usr/bin/env bash
# Rebuilds examples/*.wasm from their C sources with Debian's clang-16 and wasi-libc.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v clang-16 >/dev/null 2>&1 || [ ! -d /usr/include/wasm32-wasi ]; then
  echo "build-examples: needs clang-16 and wasi-libc:" >&2
  echo "  apt-get install -y clang-16 lld-16 wasi-libc libclang-rt-16-dev-wasm32" >&2
  exit 1
fi
for c in examples/*.c; do
  out="${c%.c}.wasm"
  clang-16 --target=wasm32-wasi --sysroot=/usr -O2 "$c" -Wl,--strip-debug -o "$out"
  echo "built $out"
done
