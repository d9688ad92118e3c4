#!/usr/bin/env bash
# Rebuild the CPU-bound benchmark programs in bench/programs/ from their C
# sources into WASI (wasm32-wasi) modules, and (optionally) native binaries
# into the git-ignored .cache/bench-native/ for a native-speed comparison.
#
# Usage: scripts/build-bench-programs.sh [--no-native] [--check]
#   --no-native  skip the native build
#   --check      after building, run each native binary and compare its
#                stdout with bench/programs/expected.txt
#
# Env overrides: CLANG (default clang-16), WASI_SYSROOT (default /usr),
#                CFLAGS_EXTRA (appended to every compile).
#
# Expected imports (all from wasi_snapshot_preview1; see README.md):
#   fd_write, fd_seek, fd_close, fd_fdstat_get (printf/stdout) and, for most
#   programs, proc_exit. The build fails if anything else is imported.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="$ROOT/bench/programs"
NATIVE_OUT="$ROOT/.cache/bench-native"
CFLAGS_EXTRA="${CFLAGS_EXTRA:-}"

build_native=1
check=0
for arg in "$@"; do
  case "$arg" in
    --no-native) build_native=0 ;;
    --check) check=1 ;;
    -h|--help) sed -n '2,/^set -euo/ s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "error: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

WHAT="The benchmark programs"
. "$ROOT/scripts/wasi-toolchain.sh"

# name:source:extra-flags  (one .wasm per entry)
TARGETS=(
  "fib:fib.c:"
  "sieve:sieve.c:"
  "nbody:nbody.c:"
  "matmul:matmul.c:"
  "sha256:sha256.c:"
  "hash64:hash64.c:"
  "memops:memops.c:"
  "memops-bulk:memops.c:-mbulk-memory"
  "quicksort:quicksort.c:"
  "crc32:crc32.c:"
  "interp:interp.c:"
)

# -ffp-contract=off: never fuse a*b+c into an FMA, so the f64 programs (nbody,
# matmul) print bit-identical results natively on any CPU and under wasm
# (wasm has no implicit FMA; x86-64 baseline has none either, arm64 does).
WASM_FLAGS=(--target=wasm32-wasi "--sysroot=$WASI_SYSROOT" -O2 -ffp-contract=off -Wall -Wl,--strip-debug)
NATIVE_FLAGS=(-O2 -ffp-contract=off -Wall)

for t in "${TARGETS[@]}"; do
  IFS=: read -r name src extra <<<"$t"
  echo "wasm   bench/programs/$name.wasm  <- $src${extra:+ $extra}"
  # shellcheck disable=SC2086  # $extra/$CFLAGS_EXTRA are intentionally word-split
  "$CLANG" "${WASM_FLAGS[@]}" $extra $CFLAGS_EXTRA "$SRC/$src" -o "$SRC/$name.wasm"
done

if [ "$build_native" = 1 ]; then
  mkdir -p "$NATIVE_OUT"
  for t in "${TARGETS[@]}"; do
    IFS=: read -r name src extra <<<"$t"
    case "$name" in *-bulk) continue ;; esac # identical C; bulk memory is wasm-only
    echo "native .cache/bench-native/$name  <- $src"
    # shellcheck disable=SC2086
    "$CLANG" "${NATIVE_FLAGS[@]}" $CFLAGS_EXTRA "$SRC/$src" -o "$NATIVE_OUT/$name" -lm
  done
fi

if command -v wasm-objdump >/dev/null 2>&1; then
  echo
  echo "imports per module (all must come from wasi_snapshot_preview1):"
  for t in "${TARGETS[@]}"; do
    IFS=: read -r name _ _ <<<"$t"
    imports="$(wasm-objdump -x -j Import "$SRC/$name.wasm" 2>/dev/null \
      | sed -n 's/.*<- \([^ ]*\)$/\1/p')"
    if printf '%s\n' "$imports" | grep -v '^$' | grep -vq '^wasi_snapshot_preview1\.'; then
      echo "error: $name.wasm imports something outside wasi_snapshot_preview1:" >&2
      printf '%s\n' "$imports" >&2
      exit 1
    fi
    printf '  %-12s %s\n' "$name" "$(printf '%s\n' "$imports" | sed 's/^wasi_snapshot_preview1\.//' | tr '\n' ' ')"
  done
else
  echo "note: wasm-objdump (wabt) not found; skipping the import check" >&2
fi

if [ "$check" = 1 ]; then
  if [ "$build_native" != 1 ]; then
    echo "error: --check needs the native build (drop --no-native)" >&2
    exit 2
  fi
  echo
  fail=0
  while IFS=$'\t' read -r name line; do
    [ -z "$name" ] && continue
    bin="$NATIVE_OUT/${name%-bulk}"
    got="$("$bin")"
    if [ "$got" = "$line" ]; then
      echo "ok     $name: $got"
    else
      echo "FAIL   $name: expected '$line', got '$got'" >&2
      fail=1
    fi
  done <"$SRC/expected.txt"
  exit "$fail"
fi
