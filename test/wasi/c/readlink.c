/*
 * path_readlink: the full target; a short buffer gets the first buf_len bytes
 * (no NUL, bufused == buf_len: truncation, not an error, as in wasmtime); a
 * zero-length buffer gives 0 bytes and no error; a non-symlink (file or dir)
 * -> EINVAL; a missing name -> ENOENT; "link/" (trailing slash) -> ENOENT
 * (wasmtime); a symlink in the middle of the path is followed
 * ("to-d/up"); libc's readlink agrees.
 */
#include "common.h"
#include <unistd.h>

int main(void) {
  MUST("mkdir", __wasi_path_create_directory(SANDBOX, "d"));
  MUST("symlink", __wasi_path_symlink("a/rather/long/target/name.txt", SANDBOX, "long"));
  MUST("symlink", __wasi_path_symlink("d", SANDBOX, "to-d"));
  MUST("symlink", __wasi_path_symlink("../long", SANDBOX, "d/up"));
  make_file(SANDBOX, "plain", "p");
  char buf[64];
  __wasi_size_t n;
  for (int len = 64; len >= 0; len = len == 64 ? 29 : len == 29 ? 28 : len == 28 ? 5 : len == 5 ? 1 : -1) {
    memset(buf, '#', sizeof buf);
    n = 999;
    int e = __wasi_path_readlink(SANDBOX, "long", (uint8_t *)buf, len, &n);
    if (e) printf("readlink long buf=%d: errno=%d %s\n", len, e, errname(e));
    else printf("readlink long buf=%d: n=%u [%.*s] next byte untouched=%s\n", len, (unsigned)n, (int)n, buf,
                buf[n] == '#' ? "yes" : "no");
  }
  n = 999;
  int e = __wasi_path_readlink(SANDBOX, "long", (uint8_t *)buf, 0, &n);
  if (e) printf("readlink long buf=0: errno=%d %s\n", e, errname(e));
  else printf("readlink long buf=0: n=%u\n", (unsigned)n);
  e = __wasi_path_readlink(SANDBOX, "to-d/up", (uint8_t *)buf, sizeof buf, &n);
  if (e) report("readlink via symlinked dir", e);
  else printf("readlink via symlinked dir: [%.*s]\n", (int)n, buf);
  report("readlink plain file", __wasi_path_readlink(SANDBOX, "plain", (uint8_t *)buf, sizeof buf, &n));
  report("readlink directory", __wasi_path_readlink(SANDBOX, "d", (uint8_t *)buf, sizeof buf, &n));
  report("readlink missing", __wasi_path_readlink(SANDBOX, "missing", (uint8_t *)buf, sizeof buf, &n));
  report("readlink long/ (trailing slash)", __wasi_path_readlink(SANDBOX, "long/", (uint8_t *)buf, sizeof buf, &n));
  ssize_t r = readlink("/sandbox/to-d", buf, sizeof buf);
  printf("libc readlink to-d: %d [%.*s]\n", (int)r, r > 0 ? (int)r : 0, buf);
  return 0;
}
