/*
 * fd_fdstat_get / fd_fdstat_set_flags: a file opened plainly reports flags 0;
 * setting APPEND makes the next write go to the end and fdstat reports it;
 * clearing it makes writes go to the position again; NONBLOCK can be set and
 * is reported. fdstat reports only WASI flag bits (never host O_* bits).
 * A closed fd -> EBADF. The sync flags (DSYNC, RSYNC, SYNC) after open: see
 * the expected output (wasmtime's answer).
 */
#include "common.h"

static void flags(__wasi_fd_t fd, const char *label) {
  __wasi_fdstat_t st;
  MUST("fdstat", __wasi_fd_fdstat_get(fd, &st));
  printf("%s: flags=%u type=%s\n", label, (unsigned)st.fs_flags, ftname(st.fs_filetype));
}

static void contents(__wasi_fd_t fd, const char *label) {
  char buf[32];
  __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf - 1};
  __wasi_size_t n;
  MUST("pread", __wasi_fd_pread(fd, &iov, 1, 0, &n));
  buf[n] = 0;
  printf("%s: [%s]\n", label, buf);
}

int main(void) {
  __wasi_fd_t fd;
  MUST("create", open_at(SANDBOX, "f.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, 0, &fd));
  MUST("write", write_all(fd, "0123456789", 10));
  flags(fd, "plain");
  MUST("seek", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &(__wasi_filesize_t){0}));
  report("set APPEND", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND));
  flags(fd, "after APPEND");
  MUST("write", write_all(fd, "A", 1));
  contents(fd, "write with APPEND");
  report("clear flags", __wasi_fd_fdstat_set_flags(fd, 0));
  flags(fd, "after clear");
  MUST("seek", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &(__wasi_filesize_t){0}));
  MUST("write", write_all(fd, "B", 1));
  contents(fd, "write at 0 without APPEND");
  report("set NONBLOCK", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_NONBLOCK));
  flags(fd, "after NONBLOCK");
  report("set APPEND|NONBLOCK", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND | __WASI_FDFLAGS_NONBLOCK));
  flags(fd, "after APPEND|NONBLOCK");
  report("set 0", __wasi_fd_fdstat_set_flags(fd, 0));
  report("set DSYNC", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_DSYNC));
  report("set RSYNC", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_RSYNC));
  report("set SYNC", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_SYNC));
  flags(fd, "after sync attempts");
  report("set flags on stdout", __wasi_fd_fdstat_set_flags(1, 0));
  __wasi_fd_t afd;
  MUST("open append", open_at(SANDBOX, "f.txt", 0, __WASI_FDFLAGS_APPEND, &afd));
  flags(afd, "opened with APPEND");
  MUST("close", __wasi_fd_close(afd));
  MUST("close", __wasi_fd_close(fd));
  report("set_flags closed fd", __wasi_fd_fdstat_set_flags(fd, 0));
  return 0;
}
