/*
 * The standard streams: fd_fdstat_get of 0, 1, 2 succeeds; stdin has FD_READ
 * and not FD_WRITE, stdout/stderr have FD_WRITE and not FD_READ (rights as
 * wasmtime reports them), flags 0; their filetype is printed (wasmtime: UNKNOWN
 * for a pipe; a host tty would be CHARACTER_DEVICE). stdin is read to EOF
 * (the case gives it two lines), a read at EOF returns 0 bytes, and stdout and
 * stderr writes arrive in order.
 */
#include "common.h"

int main(void) {
  for (int fd = 0; fd < 3; fd++) {
    __wasi_fdstat_t st;
    int e = __wasi_fd_fdstat_get(fd, &st);
    if (e) { printf("fdstat %d: errno=%d\n", fd, e); continue; }
    printf("fdstat %d: type=%s flags=%u FD_READ=%s FD_WRITE=%s\n", fd, ftname(st.fs_filetype), (unsigned)st.fs_flags,
           st.fs_rights_base & __WASI_RIGHTS_FD_READ ? "yes" : "no",
           st.fs_rights_base & __WASI_RIGHTS_FD_WRITE ? "yes" : "no");
  }
  char buf[256];
  size_t total = 0, got;
  for (;;) {
    MUST("read stdin", read_str(0, buf + total, sizeof buf - total, &got));
    if (got == 0) break;
    total += got;
  }
  printf("stdin: %u bytes\n", (unsigned)total);
  printf("stdin text: [%s]\n", buf);
  size_t again;
  report("read at EOF", read_str(0, buf, sizeof buf, &again));
  printf("bytes at EOF: %u\n", (unsigned)again);
  fflush(stdout);
  MUST("stderr", write_all(2, "err line 1\n", 11));
  MUST("stdout", write_all(1, "out line\n", 9));
  MUST("stderr", write_all(2, "err line 2\n", 11));
  return 0;
}
