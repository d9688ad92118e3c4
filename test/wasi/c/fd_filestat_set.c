/*
 * fd_filestat_set_size: grow (new bytes read as zeros), shrink, to zero; the
 * file position is not moved. fd_filestat_set_times: explicit atim/mtim are
 * stored to the nanosecond (read back exactly), each can be set alone without
 * touching the other, MTIM_NOW/ATIM_NOW set a time other than the explicit
 * value set before (we print only that it changed), flags 0 changes nothing.
 * The same through path_filestat_set_times, following a symlink.
 */
#include "common.h"

static void size(__wasi_fd_t fd, const char *label) {
  __wasi_filestat_t st;
  MUST("stat", __wasi_fd_filestat_get(fd, &st));
  printf("%s: size=%llu\n", label, (unsigned long long)st.size);
}

static void times(__wasi_filestat_t *st, const char *label) {
  printf("%s: atim=%llu mtim=%llu\n", label, (unsigned long long)st->atim, (unsigned long long)st->mtim);
}

int main(void) {
  __wasi_fd_t fd;
  MUST("create", open_at(SANDBOX, "s.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, 0, &fd));
  MUST("write", write_all(fd, "abcdef", 6));
  report("set_size 10", __wasi_fd_filestat_set_size(fd, 10));
  size(fd, "after grow");
  uint8_t buf[16];
  __wasi_iovec_t iov = {buf, sizeof buf};
  __wasi_size_t n;
  MUST("pread", __wasi_fd_pread(fd, &iov, 1, 0, &n));
  printf("contents:");
  for (__wasi_size_t i = 0; i < n; i++) printf(" %02x", buf[i]);
  printf("\n");
  report("set_size 3", __wasi_fd_filestat_set_size(fd, 3));
  size(fd, "after shrink");
  __wasi_filesize_t pos;
  MUST("tell", __wasi_fd_tell(fd, &pos));
  printf("position still: %llu\n", (unsigned long long)pos);
  report("set_size 0", __wasi_fd_filestat_set_size(fd, 0));
  size(fd, "after zero");

  __wasi_filestat_t st;
  const __wasi_timestamp_t A = 1000000000123456789ull, M = 1200000000987654321ull;
  report("set_times ATIM|MTIM", __wasi_fd_filestat_set_times(fd, A, M, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
  MUST("stat", __wasi_fd_filestat_get(fd, &st));
  times(&st, "after explicit");
  report("set_times MTIM only", __wasi_fd_filestat_set_times(fd, 5, 7000000000ull, __WASI_FSTFLAGS_MTIM));
  MUST("stat", __wasi_fd_filestat_get(fd, &st));
  times(&st, "after MTIM only");
  report("set_times ATIM only", __wasi_fd_filestat_set_times(fd, 3000000000ull, 9, __WASI_FSTFLAGS_ATIM));
  MUST("stat", __wasi_fd_filestat_get(fd, &st));
  times(&st, "after ATIM only");
  report("set_times flags 0", __wasi_fd_filestat_set_times(fd, 1, 1, 0));
  MUST("stat", __wasi_fd_filestat_get(fd, &st));
  times(&st, "after flags 0");
  report("set_times MTIM_NOW", __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
  MUST("stat", __wasi_fd_filestat_get(fd, &st));
  printf("after MTIM_NOW: atim=%llu mtim changed=%s\n", (unsigned long long)st.atim,
         st.mtim != 7000000000ull ? "yes" : "no");
  report("set_times ATIM_NOW", __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_ATIM_NOW));
  MUST("stat", __wasi_fd_filestat_get(fd, &st));
  printf("after ATIM_NOW: atim changed=%s\n", st.atim != 3000000000ull ? "yes" : "no");

  /* Through a path and a symlink to it. */
  MUST("symlink", __wasi_path_symlink("s.txt", SANDBOX, "s.lnk"));
  report("path set_times via symlink (follow)",
         __wasi_path_filestat_set_times(SANDBOX, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "s.lnk", 11000000000ull,
                                        22000000000ull, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
  MUST("stat", __wasi_fd_filestat_get(fd, &st));
  times(&st, "target after path set_times");
  report("path set_times missing", __wasi_path_filestat_set_times(SANDBOX, 0, "nope", 1, 1, __WASI_FSTFLAGS_MTIM));
  MUST("close", __wasi_fd_close(fd));
  report("set_size closed fd", __wasi_fd_filestat_set_size(fd, 1));
  report("set_times closed fd", __wasi_fd_filestat_set_times(fd, 1, 1, __WASI_FSTFLAGS_MTIM));
  return 0;
}
