/*
 * fd_pread / fd_pwrite: they use the given offset and never move the file
 * position; pread at or past the end reads 0 bytes; pwrite past the end
 * extends the file with zeros; several iovecs are scattered/gathered.
 *
 * With O_APPEND (fdflags APPEND) wasmtime follows Linux: pwrite ignores the
 * offset and appends (pwrite(2): "if the file is opened with O_APPEND, pwrite()
 * appends data to the end of the file, regardless of the value of offset").
 * The position is left alone by pwrite either way.
 *
 * pread/pwrite on stdin/stdout (streams) -> ESPIPE, as in wasmtime.
 */
#include "common.h"

static void dump(__wasi_fd_t fd, const char *label) {
  char buf[64];
  __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf - 1};
  __wasi_size_t n = 0;
  MUST("pread all", __wasi_fd_pread(fd, &iov, 1, 0, &n));
  printf("%s: %u bytes [", label, (unsigned)n);
  for (__wasi_size_t i = 0; i < n; i++) {
    if (buf[i] >= 32 && buf[i] < 127) putchar(buf[i]);
    else printf("\\%02x", (unsigned char)buf[i]);
  }
  printf("]\n");
}

static void tell(__wasi_fd_t fd, const char *label) {
  __wasi_filesize_t pos;
  MUST("tell", __wasi_fd_tell(fd, &pos));
  printf("%s: position %llu\n", label, (unsigned long long)pos);
}

int main(void) {
  __wasi_fd_t fd;
  MUST("create", open_at(SANDBOX, "p.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, 0, &fd));
  MUST("write", write_all(fd, "abcdefghij", 10));
  MUST("seek", __wasi_fd_seek(fd, 2, __WASI_WHENCE_SET, &(__wasi_filesize_t){0}));

  char a[4] = {0}, b[4] = {0};
  __wasi_iovec_t riov[2] = {{(uint8_t *)a, 3}, {(uint8_t *)b, 3}};
  __wasi_size_t n = 0;
  /* A runtime may fill fewer iovecs than given (wasmtime fills only the first). */
  int e = __wasi_fd_pread(fd, riov, 2, 5, &n);
  int whole = (n == 3 && !strcmp(a, "fgh")) || (n == 5 && !strcmp(a, "fgh") && !strcmp(b, "ij"));
  printf("pread 2 iovecs at 5: errno=%d first=[%s] n=3-or-5-and-consistent=%s\n", e, a, whole ? "yes" : "no");
  tell(fd, "after pread");
  memset(a, 0, sizeof a);
  riov[0].buf_len = 3;
  e = __wasi_fd_pread(fd, riov, 1, 10, &n);
  printf("pread at end: errno=%d n=%u\n", e, (unsigned)n);
  e = __wasi_fd_pread(fd, riov, 1, 1000, &n);
  printf("pread past end: errno=%d n=%u\n", e, (unsigned)n);

  __wasi_ciovec_t wiov[2] = {{(const uint8_t *)"XY", 2}, {(const uint8_t *)"Z", 1}};
  e = __wasi_fd_pwrite(fd, wiov, 2, 1, &n);
  printf("pwrite 2 iovecs at 1: errno=%d n<=3=%s\n", e, n <= 3 ? "yes" : "no");
  if (n < 3) MUST("rest", __wasi_fd_pwrite(fd, &(__wasi_ciovec_t){(const uint8_t *)"XYZ" + n, 3 - n}, 1, 1 + n, &n));
  tell(fd, "after pwrite");
  dump(fd, "after pwrite at 1");
  e = __wasi_fd_pwrite(fd, wiov, 1, 12, &n);
  printf("pwrite at 12 (past end): errno=%d n=%u\n", e, (unsigned)n);
  dump(fd, "after pwrite at 12");
  tell(fd, "after pwrite past end");
  /* A plain write still goes to the (unchanged) position 2. */
  MUST("write", write_all(fd, "w", 1));
  dump(fd, "after write at position 2");
  MUST("close", __wasi_fd_close(fd));

  /* O_APPEND: pwrite appends, ignoring the offset (Linux and wasmtime). */
  MUST("open append", open_at(SANDBOX, "p.txt", 0, __WASI_FDFLAGS_APPEND, &fd));
  tell(fd, "append fd opened");
  e = __wasi_fd_pwrite(fd, &(__wasi_ciovec_t){(const uint8_t *)"AP", 2}, 1, 0, &n);
  printf("pwrite at 0 with APPEND: errno=%d n=%u\n", e, (unsigned)n);
  dump(fd, "after pwrite with APPEND");
  tell(fd, "after pwrite with APPEND");
  MUST("write", write_all(fd, "++", 2));
  dump(fd, "after write with APPEND");
  tell(fd, "after write with APPEND");
  MUST("close", __wasi_fd_close(fd));

  /* Errors: negative-as-unsigned huge offset, closed fd, stdout (not seekable). */
  e = __wasi_fd_pread(fd, riov, 1, 0, &n);
  report("pread closed fd", e);
  e = __wasi_fd_pwrite(1, wiov, 1, 0, &n);
  report("pwrite stdout", e);
  e = __wasi_fd_pread(0, riov, 1, 0, &n);
  report("pread stdin", e);
  return 0;
}
