#!/usr/bin/env bash
# Rebuilds test/cli/programs/*.wasm (the CLI tests' WASI guests) from their C sources with Debian's
# clang-16 and wasi-libc, as scripts/build-examples.sh does for examples/. The .wasm files are
# committed, so the tests need no toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v clang-16 >/dev/null 2>&1 || [ ! -d /usr/include/wasm32-wasi ]; then
  echo "build-cli-test-programs: needs clang-16 and wasi-libc:" >&2
  echo "  apt-get install -y clang-16 lld-16 wasi-libc libclang-rt-16-dev-wasm32" >&2
  exit 1
fi
for c in test/cli/programs/*.c; do
  out="${c%.c}.wasm"
  clang-16 --target=wasm32-wasi --sysroot=/usr -O2 "$c" -Wl,--strip-debug -o "$out"
  echo "built $out"
done
