/*
 * path_open failures: a missing file -> ENOENT; a missing middle directory ->
 * ENOENT; a dirfd that is a regular file -> ENOTDIR; a dirfd that is stdout
 * -> EBADF (wasmtime: stdio is not a file-system descriptor at all); a bad
 * dirfd -> EBADF; O_DIRECTORY on a file -> ENOTDIR; O_DIRECTORY on a symlink
 * to a file -> ENOTDIR; O_TRUNC on a directory -> EISDIR; O_DIRECTORY|O_TRUNC
 * -> EINVAL (wasmtime rejects the combination before looking at the path;
 * node:wasi says EISDIR); a file with a trailing slash -> ENOTDIR.
 */
#include "common.h"

static void op(const char *label, __wasi_fd_t dirfd, const char *path, __wasi_oflags_t oflags, char mode) {
  __wasi_fd_t fd;
  int e = open_mode(dirfd, path, oflags, 0, mode, &fd);
  report(label, e);
  if (!e) __wasi_fd_close(fd);
}

int main(void) {
  make_file(SANDBOX, "f.txt", "x");
  MUST("mkdir", __wasi_path_create_directory(SANDBOX, "d"));
  MUST("symlink", __wasi_path_symlink("f.txt", SANDBOX, "lnk"));
  op("missing", SANDBOX, "missing.txt", 0, 'r');
  op("missing middle dir", SANDBOX, "nodir/f.txt", 0, 'r');
  __wasi_fd_t ffd;
  MUST("open f", open_at(SANDBOX, "f.txt", 0, 0, &ffd));
  op("dirfd is a file", ffd, "x", 0, 'r');
  op("dirfd is a file, path .", ffd, ".", 0, 'r');
  op("dirfd is stdout", 1, "x", 0, 'r');
  op("dirfd 99 (bad)", 99, "x", 0, 'r');
  op("O_DIRECTORY on a file", SANDBOX, "f.txt", __WASI_OFLAGS_DIRECTORY, 'r');
  op("O_DIRECTORY on a symlink to a file", SANDBOX, "lnk", __WASI_OFLAGS_DIRECTORY, 'r');
  op("O_DIRECTORY on a dir", SANDBOX, "d", __WASI_OFLAGS_DIRECTORY, 'r');
  op("O_TRUNC on a dir", SANDBOX, "d", __WASI_OFLAGS_TRUNC, 'r');
  op("O_DIRECTORY|O_TRUNC on a dir", SANDBOX, "d", __WASI_OFLAGS_DIRECTORY | __WASI_OFLAGS_TRUNC, 'r');
  op("f.txt/ (trailing slash)", SANDBOX, "f.txt/", 0, 'r');
  return 0;
}
