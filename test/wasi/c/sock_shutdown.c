/*
 * The socket calls on things that are not sockets: sock_shutdown on a bad fd
 * -> EBADF; on a file, a directory and stdout -> ENOTSOCK; sock_recv and
 * sock_send on a file -> ENOTSOCK; sock_accept on the preopen -> ENOTSOCK and
 * on a bad fd -> EBADF (all as wasmtime answers).
 */
#include "common.h"

int main(void) {
  __wasi_fd_t fd;
  MUST("create", open_at(SANDBOX, "f", __WASI_OFLAGS_CREAT, 0, &fd));
  report("sock_shutdown bad fd", __wasi_sock_shutdown(99, __WASI_SDFLAGS_RD | __WASI_SDFLAGS_WR));
  report("sock_shutdown file", __wasi_sock_shutdown(fd, __WASI_SDFLAGS_RD | __WASI_SDFLAGS_WR));
  report("sock_shutdown directory", __wasi_sock_shutdown(SANDBOX, __WASI_SDFLAGS_WR));
  report("sock_shutdown stdout", __wasi_sock_shutdown(1, __WASI_SDFLAGS_WR));
  uint8_t b[4];
  __wasi_iovec_t iov = {b, 4};
  __wasi_ciovec_t ciov = {b, 4};
  __wasi_size_t n;
  __wasi_roflags_t rof;
  report("sock_recv file", __wasi_sock_recv(fd, &iov, 1, 0, &n, &rof));
  report("sock_send file", __wasi_sock_send(fd, &ciov, 1, 0, &n));
  __wasi_fd_t acc;
  report("sock_accept preopen", __wasi_sock_accept(SANDBOX, 0, &acc));
  report("sock_accept bad fd", __wasi_sock_accept(99, 0, &acc));
  return 0;
}
