/*
 * fd_allocate: wasmtime's preview1 layer no longer implements it and returns
 * ENOTSUP for a regular file (preview2 has no equivalent), whatever the
 * range; the file is left unchanged. Errors on a closed fd -> EBADF and on a
 * directory -> EBADF come first. (POSIX posix_fallocate would grow the file;
 * the WASI testsuite accepts either, we follow wasmtime.)
 */
#include "common.h"

int main(void) {
  __wasi_fd_t fd;
  MUST("create", open_at(SANDBOX, "a.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, 0, &fd));
  MUST("write", write_all(fd, "abc", 3));
  report("fd_allocate 0+3 (inside)", __wasi_fd_allocate(fd, 0, 3));
  report("fd_allocate 0+100 (grow)", __wasi_fd_allocate(fd, 0, 100));
  report("fd_allocate 10+0", __wasi_fd_allocate(fd, 10, 0));
  __wasi_filestat_t st;
  MUST("stat", __wasi_fd_filestat_get(fd, &st));
  printf("size after: %llu\n", (unsigned long long)st.size);
  report("fd_allocate directory", __wasi_fd_allocate(SANDBOX, 0, 10));
  MUST("close", __wasi_fd_close(fd));
  report("fd_allocate closed fd", __wasi_fd_allocate(fd, 0, 10));
  return 0;
}
