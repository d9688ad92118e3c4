/*
 * fd_seek and fd_tell on directory fds (the preopen and an opened directory)
 * fail with EBADF -- a directory fd carries no FD_SEEK/FD_TELL right (checked
 * in its fdstat) and wasmtime refuses the call. (Whether FD_TELL shows in the
 * rights is left open: wasmtime reports it for an opened directory but not for
 * the preopen.) Reading the directory with
 * fd_readdir still works afterwards and restarts from cookie 0.
 */
#include "common.h"

static void check(__wasi_fd_t fd, const char *which) {
  __wasi_filesize_t pos = 77;
  char label[64];
  snprintf(label, sizeof label, "%s fd_seek SET 0", which);
  report(label, __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
  snprintf(label, sizeof label, "%s fd_seek CUR 1", which);
  report(label, __wasi_fd_seek(fd, 1, __WASI_WHENCE_CUR, &pos));
  snprintf(label, sizeof label, "%s fd_tell", which);
  report(label, __wasi_fd_tell(fd, &pos));
  __wasi_fdstat_t st;
  MUST("fdstat", __wasi_fd_fdstat_get(fd, &st));
  printf("%s rights: FD_SEEK=%s FD_READDIR=%s type=%s\n", which,
         st.fs_rights_base & __WASI_RIGHTS_FD_SEEK ? "yes" : "no",
         st.fs_rights_base & __WASI_RIGHTS_FD_READDIR ? "yes" : "no", ftname(st.fs_filetype));
  uint8_t buf[512];
  __wasi_size_t n = 0;
  int e = __wasi_fd_readdir(fd, buf, sizeof buf, 0, &n);
  printf("%s fd_readdir after seek: errno=%d nonempty=%s\n", which, e, n > 0 ? "yes" : "no");
}

int main(void) {
  MUST("mkdir", __wasi_path_create_directory(SANDBOX, "d"));
  make_file(SANDBOX, "d/f", "x");
  check(SANDBOX, "preopen");
  __wasi_fd_t dfd;
  MUST("open", open_at(SANDBOX, "d", __WASI_OFLAGS_DIRECTORY, 0, &dfd));
  check(dfd, "opened dir");
  return 0;
}
