/*
 * isatty: the harness gives stdin, stdout and stderr as buffers/pipes, and a
 * file or directory is never a terminal: libc's isatty() returns 0 with errno
 * ENOTTY for fds 0, 1, 2, a file and the preopen, and EBADF for a closed fd.
 * wasi-libc decides via fd_fdstat_get: a tty is a CHARACTER_DEVICE without
 * the FD_SEEK/FD_TELL rights, so the filetypes are printed too
 * (wasmtime reports non-tty stdio as UNKNOWN).
 */
#include "common.h"
#include <errno.h>
#include <unistd.h>

static void check(int fd, const char *label) {
  errno = 0;
  int r = isatty(fd);
  int err = errno;
  __wasi_fdstat_t st;
  int e = __wasi_fd_fdstat_get(fd, &st);
  printf("isatty(%s)=%d errno=%s filetype=%s\n", label, r,
         err == ENOTTY ? "ENOTTY" : err == EBADF ? "EBADF" : err == 0 ? "0" : "other", e ? "-" : ftname(st.fs_filetype));
}

int main(void) {
  check(0, "stdin");
  check(1, "stdout");
  check(2, "stderr");
  check(SANDBOX, "preopen");
  __wasi_fd_t fd;
  MUST("create", open_at(SANDBOX, "f", __WASI_OFLAGS_CREAT, 0, &fd));
  check(fd, "file");
  MUST("close", __wasi_fd_close(fd));
  check(fd, "closed");
  return 0;
}
