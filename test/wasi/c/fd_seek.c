/*
 * fd_seek / fd_tell on a regular file: SET, CUR, END with positive and
 * negative offsets, a position before the start -> EINVAL (position kept),
 * an invalid whence -> EINVAL, seeking past the end then writing leaves a hole
 * of zero bytes, reads continue from the current position. fd_seek on stdout
 * (a stream, not a file) -> ESPIPE.
 *
 * Divergence: wasmtime traps on an invalid whence ("Invalid enum value
 * Whence"); we expect EINVAL, as node:wasi and wazero return.
 */
#include "common.h"

static void seek(__wasi_fd_t fd, const char *label, __wasi_filedelta_t off, __wasi_whence_t whence) {
  __wasi_filesize_t pos = 12345;
  int e = __wasi_fd_seek(fd, off, whence, &pos);
  if (e) report(label, e);
  else printf("%s: ok pos=%llu\n", label, (unsigned long long)pos);
}

static void tell(__wasi_fd_t fd) {
  __wasi_filesize_t pos = 12345;
  int e = __wasi_fd_tell(fd, &pos);
  if (e) report("fd_tell", e);
  else printf("fd_tell: %llu\n", (unsigned long long)pos);
}

int main(void) {
  __wasi_fd_t fd;
  MUST("create", open_at(SANDBOX, "seek.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, 0, &fd));
  MUST("write", write_all(fd, "0123456789", 10));
  tell(fd);
  seek(fd, "seek SET 3", 3, __WASI_WHENCE_SET);
  char buf[32];
  size_t got;
  MUST("read", read_str(fd, buf, 4, &got));
  printf("read 3 after SET 3: [%s]\n", buf);
  tell(fd);
  seek(fd, "seek CUR 2", 2, __WASI_WHENCE_CUR);
  seek(fd, "seek CUR -4", -4, __WASI_WHENCE_CUR);
  seek(fd, "seek CUR 0", 0, __WASI_WHENCE_CUR);
  seek(fd, "seek END 0", 0, __WASI_WHENCE_END);
  seek(fd, "seek END -1", -1, __WASI_WHENCE_END);
  MUST("read", read_str(fd, buf, sizeof buf, &got));
  printf("read after END -1: [%s]\n", buf);
  seek(fd, "seek SET -1", -1, __WASI_WHENCE_SET);
  tell(fd);
  seek(fd, "seek CUR -100", -100, __WASI_WHENCE_CUR);
  seek(fd, "seek END -11", -11, __WASI_WHENCE_END);
  tell(fd);
  /* Past the end, then write: the gap reads as zeros. */
  seek(fd, "seek SET 14", 14, __WASI_WHENCE_SET);
  MUST("write", write_all(fd, "X", 1));
  __wasi_filestat_t st;
  MUST("filestat", __wasi_fd_filestat_get(fd, &st));
  printf("size after write at 14: %llu\n", (unsigned long long)st.size);
  uint8_t raw[16];
  __wasi_iovec_t iov = {raw, sizeof raw};
  __wasi_size_t n;
  MUST("pread", __wasi_fd_pread(fd, &iov, 1, 0, &n));
  printf("contents:");
  for (__wasi_size_t i = 0; i < n; i++) printf(" %02x", raw[i]);
  printf("\n");
  seek(fd, "seek SET 100 (past end)", 100, __WASI_WHENCE_SET);
  MUST("read", read_str(fd, buf, sizeof buf, &got));
  printf("read past end: %u bytes\n", (unsigned)got);
  MUST("close", __wasi_fd_close(fd));
  seek(1, "seek stdout", 0, __WASI_WHENCE_CUR);
  seek(fd, "seek closed fd", 0, __WASI_WHENCE_SET);
  /* Last, since wasmtime traps here (see above). */
  MUST("reopen", open_at(SANDBOX, "seek.txt", 0, 0, &fd));
  seek(fd, "seek whence=3", 0, 3);
  seek(fd, "seek whence=255", 0, 255);
  return 0;
}
