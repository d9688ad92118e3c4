/*
 * fd_write to stdout and stderr: several iovecs gathered in order (a runtime may
 * write fewer bytes than asked -- wasmtime writes only the first non-empty
 * iovec per call -- so the rest is written in a loop and only the bounds of
 * the first nwritten are printed), zero-length iovecs, zero iovecs; writes to an fd that was never opened, to a
 * huge fd number, and to a closed fd fail with EBADF; writing to stdin (fd 0,
 * read-only) fails with EBADF.
 */
#include "common.h"

int main(void) {
  __wasi_size_t n = 0;
  __wasi_ciovec_t iov[4] = {{(const uint8_t *)"gathered ", 9},
                            {(const uint8_t *)"", 0},
                            {(const uint8_t *)"from ", 5},
                            {(const uint8_t *)"three iovecs\n", 13}};
  int e = __wasi_fd_write(1, iov, 4, &n);
  fflush(stdout);
  if (e) die("fd_write stdout", e);
  /* Write what the first call left, iovec by iovec. */
  size_t done = n, skip = n;
  for (int i = 0; i < 4; i++) {
    if (skip >= iov[i].buf_len) { skip -= iov[i].buf_len; continue; }
    MUST("rest", write_all(1, iov[i].buf + skip, iov[i].buf_len - skip));
    done += iov[i].buf_len - skip;
    skip = 0;
  }
  printf("fd_write stdout 4 iovecs: first nwritten in [9,27]=%s total=%u\n", n >= 9 && n <= 27 ? "yes" : "no",
         (unsigned)done);
  n = 99;
  e = __wasi_fd_write(1, iov, 0, &n);
  printf("fd_write stdout 0 iovecs: errno=%d nwritten=%u\n", e, (unsigned)n);
  __wasi_ciovec_t err = {(const uint8_t *)"to stderr\n", 10};
  e = __wasi_fd_write(2, &err, 1, &n);
  printf("fd_write stderr: errno=%d nwritten=%u\n", e, (unsigned)n);
  report("fd_write fd=99", __wasi_fd_write(99, iov, 1, &n));
  report("fd_write fd=0x7fffffff", __wasi_fd_write(0x7fffffff, iov, 1, &n));
  report("fd_write fd=-1", __wasi_fd_write((__wasi_fd_t)-1, iov, 1, &n));
  report("fd_write stdin", __wasi_fd_write(0, iov, 1, &n));
  __wasi_fd_t fd;
  MUST("open", open_at(SANDBOX, "w.txt", __WASI_OFLAGS_CREAT, 0, &fd));
  MUST("close", __wasi_fd_close(fd));
  report("fd_write closed fd", __wasi_fd_write(fd, iov, 1, &n));
  return 0;
}
