/*
 * fd_advise: every advice value (NORMAL..NOREUSE) on a file succeeds, for
 * ranges inside and past the end and with length 0 (meaning "to the end");
 * it changes nothing observable (size stays). Errors: an invalid advice value
 * -> EINVAL, a closed fd -> EBADF, a directory -> EBADF.
 *
 * Divergence: wasmtime traps on an invalid advice value ("Invalid enum
 * value Advice"); we expect EINVAL (node:wasi and wazero). That check runs last.
 */
#include "common.h"

int main(void) {
  __wasi_fd_t fd;
  MUST("create", open_at(SANDBOX, "a.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, 0, &fd));
  MUST("write", write_all(fd, "0123456789", 10));
  const char *names[] = {"NORMAL", "SEQUENTIAL", "RANDOM", "WILLNEED", "DONTNEED", "NOREUSE"};
  char label[64];
  for (int a = 0; a < 6; a++) {
    snprintf(label, sizeof label, "fd_advise %s 0+10", names[a]);
    report(label, __wasi_fd_advise(fd, 0, 10, a));
  }
  report("fd_advise NORMAL 0+0", __wasi_fd_advise(fd, 0, 0, __WASI_ADVICE_NORMAL));
  report("fd_advise SEQUENTIAL 100+1000 (past end)", __wasi_fd_advise(fd, 100, 1000, __WASI_ADVICE_SEQUENTIAL));
  __wasi_filestat_t st;
  MUST("stat", __wasi_fd_filestat_get(fd, &st));
  printf("size unchanged: %llu\n", (unsigned long long)st.size);
  report("fd_advise directory", __wasi_fd_advise(SANDBOX, 0, 0, __WASI_ADVICE_NORMAL));
  __wasi_fd_t closed;
  MUST("open", open_at(SANDBOX, "a.txt", 0, 0, &closed));
  MUST("close", __wasi_fd_close(closed));
  report("fd_advise closed fd", __wasi_fd_advise(closed, 0, 0, __WASI_ADVICE_NORMAL));
  report("fd_advise invalid advice 6", __wasi_fd_advise(fd, 0, 0, 6));
  return 0;
}
