/*
 * Writes are not buffered by the runtime: a byte written through one fd is
 * visible at once through another fd on the same file (fd_read and
 * fd_filestat_get size), before any fd_sync or close.
 */
#include "common.h"

int main(void) {
  __wasi_fd_t w, r;
  MUST("create", open_at(SANDBOX, "u.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, 0, &w));
  MUST("open reader", open_mode(SANDBOX, "u.txt", 0, 0, 'r', &r));
  char buf[16];
  size_t got;
  for (int i = 0; i < 3; i++) {
    char c = 'a' + i;
    MUST("write", write_all(w, &c, 1));
    __wasi_filestat_t st;
    MUST("stat via reader", __wasi_fd_filestat_get(r, &st));
    MUST("read", read_str(r, buf, sizeof buf, &got));
    printf("after write %d: reader size=%llu read=[%s]\n", i + 1, (unsigned long long)st.size, buf);
  }
  __wasi_filestat_t st;
  MUST("path stat", stat_at(SANDBOX, "u.txt", 0, &st));
  printf("path size before close: %llu\n", (unsigned long long)st.size);
  return 0;
}
