/*
 * Truncation needs a writable descriptor. A file opened with read rights only
 * (no FD_WRITE) cannot be written (EBADF) nor truncated with
 * fd_filestat_set_size: wasmtime answers EINVAL there, as Linux ftruncate(2)
 * does on a descriptor not open for writing (wasmtime no longer checks WASI
 * rights; node:wasi checks them and says ENOTCAPABLE). The file is left
 * intact by the failed attempt.
 *
 * O_TRUNC with read-only rights does truncate, in wasmtime as on Linux
 * (open(2) with O_RDONLY|O_TRUNC). A write-only fd truncates but cannot read.
 */
#include "common.h"

int main(void) {
  make_file(SANDBOX, "r.txt", "keep me");
  __wasi_fd_t fd;
  MUST("open read-only", open_mode(SANDBOX, "r.txt", 0, 0, 'r', &fd));
  __wasi_fdstat_t st;
  MUST("fdstat", __wasi_fd_fdstat_get(fd, &st));
  printf("read-only fd rights: FD_READ=%s FD_WRITE=%s\n", st.fs_rights_base & __WASI_RIGHTS_FD_READ ? "yes" : "no",
         st.fs_rights_base & __WASI_RIGHTS_FD_WRITE ? "yes" : "no");
  report("set_size on read-only fd", __wasi_fd_filestat_set_size(fd, 0));
  __wasi_filestat_t fst;
  MUST("stat", stat_at(SANDBOX, "r.txt", 0, &fst));
  printf("size after failed set_size: %llu\n", (unsigned long long)fst.size);
  __wasi_size_t n;
  report("write on read-only fd", __wasi_fd_write(fd, &(__wasi_ciovec_t){(const uint8_t *)"x", 1}, 1, &n));
  __wasi_fd_close(fd);
  __wasi_fd_t t;
  report("O_TRUNC with read-only rights", open_mode(SANDBOX, "r.txt", __WASI_OFLAGS_TRUNC, 0, 'r', &t));
  MUST("stat", stat_at(SANDBOX, "r.txt", 0, &fst));
  printf("size after O_TRUNC: %llu\n", (unsigned long long)fst.size);
  /* A write-only fd can truncate, but not read. */
  MUST("open write-only", open_mode(SANDBOX, "r.txt", 0, 0, 'w', &fd));
  char buf[8];
  size_t got;
  report("read on write-only fd", read_str(fd, buf, sizeof buf, &got));
  report("set_size on write-only fd", __wasi_fd_filestat_set_size(fd, 4));
  MUST("stat", stat_at(SANDBOX, "r.txt", 0, &fst));
  printf("size now: %llu\n", (unsigned long long)fst.size);
  return 0;
}
