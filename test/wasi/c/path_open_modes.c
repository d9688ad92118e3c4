/*
 * path_open access modes and flags: a read-only fd reads but cannot write
 * (EBADF); a write-only fd writes but cannot read (EBADF); a read-write fd
 * does both; NONBLOCK at open works on a file and is reported by fdstat; the
 * preopen directory itself can be reopened as "." (O_DIRECTORY) and listed;
 * a directory opens without O_DIRECTORY too (read rights); a directory
 * with write rights -> EISDIR; rights asked for beyond what the directory can
 * hand down are reduced, not refused (wasmtime ignores rights); APPEND at open
 * writes at the end.
 */
#include "common.h"

int main(void) {
  make_file(SANDBOX, "f.txt", "abc");
  __wasi_fd_t r, w, rw, nb, dot, dir, ap;
  char buf[16];
  size_t got;
  __wasi_size_t n;
  __wasi_ciovec_t x = {(const uint8_t *)"X", 1};
  MUST("open r", open_mode(SANDBOX, "f.txt", 0, 0, 'r', &r));
  report("read-only: read", read_str(r, buf, sizeof buf, &got));
  report("read-only: write", __wasi_fd_write(r, &x, 1, &n));
  MUST("open w", open_mode(SANDBOX, "f.txt", 0, 0, 'w', &w));
  report("write-only: write", __wasi_fd_write(w, &x, 1, &n));
  report("write-only: read", read_str(w, buf, sizeof buf, &got));
  MUST("open rw", open_mode(SANDBOX, "f.txt", 0, 0, 'b', &rw));
  report("read-write: read", read_str(rw, buf, sizeof buf, &got));
  printf("read-write read: [%s]\n", buf);
  report("read-write: write", __wasi_fd_write(rw, &x, 1, &n));
  report("open NONBLOCK", open_mode(SANDBOX, "f.txt", 0, __WASI_FDFLAGS_NONBLOCK, 'r', &nb));
  __wasi_fdstat_t st;
  MUST("fdstat", __wasi_fd_fdstat_get(nb, &st));
  printf("NONBLOCK fd flags: %u\n", (unsigned)st.fs_flags);
  report("NONBLOCK fd read", read_str(nb, buf, sizeof buf, &got));
  printf("NONBLOCK read: [%s]\n", buf);
  report("open . O_DIRECTORY (the preopen)", open_mode(SANDBOX, ".", __WASI_OFLAGS_DIRECTORY, 0, 'r', &dot));
  uint8_t dbuf[512];
  report("readdir reopened preopen", __wasi_fd_readdir(dot, dbuf, sizeof dbuf, 0, &n));
  MUST("fdstat", __wasi_fd_fdstat_get(dot, &st));
  printf("reopened preopen type: %s\n", ftname(st.fs_filetype));
  MUST("mkdir", __wasi_path_create_directory(SANDBOX, "d"));
  report("open dir without O_DIRECTORY", open_mode(SANDBOX, "d", 0, 0, 'r', &dir));
  MUST("fdstat", __wasi_fd_fdstat_get(dir, &st));
  printf("dir opened without O_DIRECTORY type: %s\n", ftname(st.fs_filetype));
  report("open dir with write rights", open_mode(SANDBOX, "d", 0, 0, 'w', &dir));
  __wasi_fd_t all;
  report("open file asking every right", __wasi_path_open(SANDBOX, 0, "f.txt", 0, ALL_RIGHTS, ALL_RIGHTS, 0, &all));
  report("open APPEND", open_mode(SANDBOX, "f.txt", 0, __WASI_FDFLAGS_APPEND, 'w', &ap));
  MUST("write", write_all(ap, "END", 3));
  __wasi_fd_t rd;
  MUST("open", open_mode(SANDBOX, "f.txt", 0, 0, 'r', &rd));
  MUST("read", read_str(rd, buf, sizeof buf, &got));
  printf("after APPEND write: [%s]\n", buf);
  return 0;
}
