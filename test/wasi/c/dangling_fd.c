/*
 * Dangling file descriptors: after fd_close every operation on the number
 * fails with EBADF (read, write, seek, tell, fdstat, filestat, close again,
 * readdir on a closed directory fd), and a new open may or may not reuse the
 * number but never resurrects the old file. Descriptors never opened (fd 100)
 * give EBADF as well.
 */
#include "common.h"

int main(void) {
  __wasi_fd_t fd, dfd;
  MUST("create", open_at(SANDBOX, "f.txt", __WASI_OFLAGS_CREAT, 0, &fd));
  MUST("open dir", open_at(SANDBOX, ".", __WASI_OFLAGS_DIRECTORY, 0, &dfd));
  report("close file", __wasi_fd_close(fd));
  report("close dir", __wasi_fd_close(dfd));
  char buf[8];
  __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
  __wasi_ciovec_t ciov = {(const uint8_t *)"x", 1};
  __wasi_size_t n;
  __wasi_filesize_t pos;
  __wasi_fdstat_t fst;
  __wasi_filestat_t st;
  uint8_t dbuf[128];
  report("fd_read closed", __wasi_fd_read(fd, &iov, 1, &n));
  report("fd_write closed", __wasi_fd_write(fd, &ciov, 1, &n));
  report("fd_seek closed", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
  report("fd_tell closed", __wasi_fd_tell(fd, &pos));
  report("fd_fdstat_get closed", __wasi_fd_fdstat_get(fd, &fst));
  report("fd_filestat_get closed", __wasi_fd_filestat_get(fd, &st));
  report("fd_sync closed", __wasi_fd_sync(fd));
  report("fd_close closed", __wasi_fd_close(fd));
  report("fd_readdir closed dir", __wasi_fd_readdir(dfd, dbuf, sizeof dbuf, 0, &n));
  report("path_open via closed dir", open_at(dfd, "f.txt", 0, 0, &fd));
  report("fd_read never opened (100)", __wasi_fd_read(100, &iov, 1, &n));
  report("fd_close never opened (100)", __wasi_fd_close(100));
  /* Reopen: works, and sees the file. */
  __wasi_fd_t again;
  report("reopen", open_at(SANDBOX, "f.txt", 0, 0, &again));
  report("fd_filestat_get reopened", __wasi_fd_filestat_get(again, &st));
  printf("reopened size: %llu\n", (unsigned long long)st.size);
  return 0;
}
