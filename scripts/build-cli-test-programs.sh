#!/usr/bin/env bash
# Rebuilds test/cli/programs/*.wasm (the CLI tests' WASI guests) from their C sources with Debian's
# clang-16 and wasi-libc, as scripts/build-examples.sh does for examples/. The .wasm files are
# committed, so the tests need no toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."
WHAT="The CLI test programs"
. scripts/wasi-toolchain.sh
for c in test/cli/programs/*.c; do
  out="${c%.c}.wasm"
  "$CLANG" --target=wasm32-wasi "--sysroot=$WASI_SYSROOT" -O2 "$c" -Wl,--strip-debug -o "$out"
  echo "built $out"
done
