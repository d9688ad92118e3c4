/*
 * fstflags validation for fd_filestat_set_times and path_filestat_set_times:
 * ATIM together with ATIM_NOW -> EINVAL, MTIM together with MTIM_NOW ->
 * EINVAL; a rejected call changes neither time. Valid combinations
 * (ATIM|MTIM_NOW, ATIM_NOW|MTIM) succeed.
 */
#include "common.h"

int main(void) {
  __wasi_fd_t fd;
  MUST("create", open_at(SANDBOX, "t.txt", __WASI_OFLAGS_CREAT, 0, &fd));
  const __wasi_timestamp_t T = 1500000000000000000ull;
  MUST("set", __wasi_fd_filestat_set_times(fd, T, T, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
  report("fd ATIM|ATIM_NOW", __wasi_fd_filestat_set_times(fd, 5, 5, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW));
  report("fd MTIM|MTIM_NOW", __wasi_fd_filestat_set_times(fd, 5, 5, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW));
  report("fd all four", __wasi_fd_filestat_set_times(fd, 5, 5, 15));
  report("path ATIM|ATIM_NOW",
         __wasi_path_filestat_set_times(SANDBOX, 0, "t.txt", 5, 5, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW));
  report("path MTIM|MTIM_NOW",
         __wasi_path_filestat_set_times(SANDBOX, 0, "t.txt", 5, 5, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW));
  __wasi_filestat_t st;
  MUST("stat", __wasi_fd_filestat_get(fd, &st));
  printf("times unchanged after rejected calls: %s\n", st.atim == T && st.mtim == T ? "yes" : "no");
  report("fd ATIM|MTIM_NOW", __wasi_fd_filestat_set_times(fd, 7, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM_NOW));
  MUST("stat", __wasi_fd_filestat_get(fd, &st));
  printf("atim=%llu mtim changed=%s\n", (unsigned long long)st.atim, st.mtim != T ? "yes" : "no");
  report("path ATIM_NOW|MTIM",
         __wasi_path_filestat_set_times(SANDBOX, 0, "t.txt", 0, 9, __WASI_FSTFLAGS_ATIM_NOW | __WASI_FSTFLAGS_MTIM));
  MUST("stat", __wasi_fd_filestat_get(fd, &st));
  printf("mtim=%llu atim changed=%s\n", (unsigned long long)st.mtim, st.atim != 7 ? "yes" : "no");
  return 0;
}
