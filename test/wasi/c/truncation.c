/*
 * File truncation: O_TRUNC on an existing file empties it (and on a new file
 * with O_CREAT is harmless); fd_filestat_set_size shrinks and grows (zeros);
 * writes after shrinking land at the (unchanged) position, leaving a zero gap.
 * libc's ftruncate and open(O_TRUNC) on top of the same calls.
 */
#include "common.h"
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>

static void show(const char *path, const char *label) {
  __wasi_fd_t fd;
  MUST("open", open_mode(SANDBOX, path, 0, 0, 'r', &fd));
  uint8_t buf[32];
  __wasi_iovec_t iov = {buf, sizeof buf};
  __wasi_size_t n;
  MUST("read", __wasi_fd_read(fd, &iov, 1, &n));
  printf("%s: %u bytes [", label, (unsigned)n);
  for (__wasi_size_t i = 0; i < n; i++) {
    if (buf[i] >= 32 && buf[i] < 127) putchar(buf[i]);
    else printf("\\%02x", buf[i]);
  }
  printf("]\n");
  __wasi_fd_close(fd);
}

int main(void) {
  make_file(SANDBOX, "t.txt", "hello world");
  show("t.txt", "initial");
  __wasi_fd_t fd;
  report("open O_TRUNC", open_at(SANDBOX, "t.txt", __WASI_OFLAGS_TRUNC, 0, &fd));
  show("t.txt", "after O_TRUNC");
  MUST("write", write_all(fd, "abcdef", 6));
  report("set_size 2", __wasi_fd_filestat_set_size(fd, 2));
  show("t.txt", "after set_size 2");
  MUST("write", write_all(fd, "Z", 1)); /* position is still 6 */
  show("t.txt", "after write at 6");
  report("set_size 9", __wasi_fd_filestat_set_size(fd, 9));
  show("t.txt", "after set_size 9");
  MUST("close", __wasi_fd_close(fd));
  report("open O_CREAT|O_TRUNC new", open_at(SANDBOX, "new.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, 0, &fd));
  show("new.txt", "new file");
  __wasi_fd_close(fd);

  /* The same through libc. */
  int lfd = open("/sandbox/t.txt", O_RDWR);
  printf("libc open: %s\n", lfd >= 0 ? "ok" : "failed");
  printf("libc ftruncate 4: %d\n", ftruncate(lfd, 4));
  show("t.txt", "after ftruncate 4");
  close(lfd);
  lfd = open("/sandbox/t.txt", O_WRONLY | O_TRUNC);
  printf("libc open O_TRUNC: %s\n", lfd >= 0 ? "ok" : "failed");
  close(lfd);
  show("t.txt", "after libc O_TRUNC");
  return 0;
}
