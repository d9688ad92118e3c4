#!/usr/bin/env bash
# Rebuild the WASI conformance programs: test/wasi/c/*.c -> test/wasi/c/*.wasm
# (wasm32-wasi, wasi-libc). The .wasm files are committed, so the tests run
# without a C toolchain; rerun this after changing a .c file or common.h.
#
# Usage: scripts/build-wasi-tests.sh [NAME...]   (default: every program)
# Env overrides: CLANG (default clang-16), WASI_SYSROOT (default /usr).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="$ROOT/test/wasi/c"

WHAT="The WASI conformance programs"
. "$ROOT/scripts/wasi-toolchain.sh"

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for f in "$SRC"/*.c; do names+=("$(basename "$f" .c)"); done
fi

for name in "${names[@]}"; do
  echo "wasm  test/wasi/c/$name.wasm"
  "$CLANG" --target=wasm32-wasi "--sysroot=$WASI_SYSROOT" -O2 -Wall -Werror -Wno-unused-function -Wno-unused-result \
    -Wl,--strip-debug "$SRC/$name.c" -o "$SRC/$name.wasm"
done
