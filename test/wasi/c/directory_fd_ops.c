/*
 * File operations on a directory fd fail with EBADF, as in wasmtime: fd_read,
 * fd_pread, fd_write, fd_pwrite, fd_filestat_set_size. (POSIX read(2) on a
 * directory gives EISDIR; wasmtime's preview1 layer answers EBADF because a
 * directory descriptor is not a file descriptor for these calls at all.)
 * Opening a directory with write rights fails with EISDIR.
 * fd_readdir, fd_filestat_get and fd_fdstat_get keep working. (Seeking is in
 * directory_seek.)
 * Checked on the preopen itself and on a directory opened with O_DIRECTORY.
 */
#include "common.h"

static void ops(__wasi_fd_t fd, const char *which) {
  char label[96], buf[16];
  __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
  __wasi_ciovec_t ciov = {(const uint8_t *)"x", 1};
  __wasi_size_t n;
  __wasi_filesize_t pos;
  __wasi_filestat_t st;
  __wasi_fdstat_t fst;
  uint8_t dbuf[256];
#define OP(name, call) (snprintf(label, sizeof label, "%s %s", which, name), report(label, call))
  OP("fd_read", __wasi_fd_read(fd, &iov, 1, &n));
  OP("fd_pread", __wasi_fd_pread(fd, &iov, 1, 0, &n));
  OP("fd_write", __wasi_fd_write(fd, &ciov, 1, &n));
  OP("fd_pwrite", __wasi_fd_pwrite(fd, &ciov, 1, 0, &n));
  OP("fd_filestat_set_size", __wasi_fd_filestat_set_size(fd, 0));
  OP("fd_readdir", __wasi_fd_readdir(fd, dbuf, sizeof dbuf, 0, &n));
  int e = __wasi_fd_filestat_get(fd, &st);
  snprintf(label, sizeof label, "%s fd_filestat_get", which);
  if (e) report(label, e);
  else printf("%s: ok type=%s\n", label, ftname(st.filetype));
  e = __wasi_fd_fdstat_get(fd, &fst);
  snprintf(label, sizeof label, "%s fd_fdstat_get", which);
  if (e) report(label, e);
  else printf("%s: ok type=%s\n", label, ftname(fst.fs_filetype));
  (void)pos;
#undef OP
}

int main(void) {
  MUST("mkdir", __wasi_path_create_directory(SANDBOX, "d"));
  ops(SANDBOX, "preopen");
  __wasi_fd_t dfd;
  MUST("open dir", open_at(SANDBOX, "d", __WASI_OFLAGS_DIRECTORY, 0, &dfd));
  ops(dfd, "opened dir");
  /* Asking for write rights on a directory. */
  __wasi_fd_t w;
  report("open dir with write rights", open_mode(SANDBOX, "d", __WASI_OFLAGS_DIRECTORY, 0, 'w', &w));
  report("open dir with read+write rights", open_mode(SANDBOX, "d", 0, 0, 'b', &w));
  return 0;
}
