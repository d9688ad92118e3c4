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
CLANG="${CLANG:-clang-16}"
WASI_SYSROOT="${WASI_SYSROOT:-/usr}"

if ! command -v "$CLANG" >/dev/null 2>&1; then
  cat >&2 <<MSG
error: '$CLANG' not found.
The WASI conformance programs are compiled with clang 16 targeting wasm32-wasi.
On Debian/Ubuntu install the toolchain with:
  sudo apt-get install clang-16 lld-16 wasi-libc libclang-rt-16-dev-wasm32
(or set CLANG=/path/to/clang and WASI_SYSROOT=/path/to/wasi-sysroot).
MSG
  exit 1
fi
if [ ! -f "$WASI_SYSROOT/lib/wasm32-wasi/libc.a" ] && [ ! -f "$WASI_SYSROOT/lib/libc.a" ]; then
  cat >&2 <<MSG
error: wasi-libc not found under WASI_SYSROOT=$WASI_SYSROOT
Install it with:
  sudo apt-get install wasi-libc libclang-rt-16-dev-wasm32 lld-16
or point WASI_SYSROOT at a wasi-sdk sysroot.
MSG
  exit 1
fi

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for f in "$SRC"/*.c; do names+=("$(basename "$f" .c)"); done
fi

for name in "${names[@]}"; do
  echo "wasm  test/wasi/c/$name.wasm"
  "$CLANG" --target=wasm32-wasi "--sysroot=$WASI_SYSROOT" -O2 -Wall -Werror -Wno-unused-function -Wno-unused-result \
    -Wl,--strip-debug "$SRC/$name.c" -o "$SRC/$name.wasm"
done
