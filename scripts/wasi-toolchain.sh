# Sourced by the scripts/build-*.sh rebuild scripts: the C -> wasm32-wasi toolchain they share.
# Sets CLANG (default clang-16) and WASI_SYSROOT (default /usr), both overridable from the environment,
# and exits with install instructions when either is missing. Callers set WHAT (what they compile)
# first, for the message.
CLANG="${CLANG:-clang-16}"
WASI_SYSROOT="${WASI_SYSROOT:-/usr}"
if ! command -v "$CLANG" >/dev/null 2>&1; then
  cat >&2 <<MSG
error: '$CLANG' not found.
${WHAT:-These programs} are compiled with clang 16 targeting wasm32-wasi.
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
