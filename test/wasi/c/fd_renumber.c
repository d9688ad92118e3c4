/*
 * fd_renumber(from, to): `to` now refers to what `from` did (same file,
 * same position) and `from` is closed (EBADF); the previous `to` is closed.
 * Renumbering an fd onto itself is a successful no-op (wasmtime).
 * A closed/never-opened `from` -> EBADF; a `to` that is not open -> EBADF
 * (wasmtime requires both to be open). Renumbering a file onto stderr
 * redirects what is written to fd 2 (nothing reaches the real stderr).
 */
#include "common.h"

int main(void) {
  make_file(SANDBOX, "a.txt", "AAAA");
  make_file(SANDBOX, "b.txt", "BBBB");
  __wasi_fd_t a, b;
  MUST("open a", open_at(SANDBOX, "a.txt", 0, 0, &a));
  MUST("open b", open_at(SANDBOX, "b.txt", 0, 0, &b));
  char buf[8];
  size_t got;
  MUST("read a", read_str(a, buf, 3, &got)); /* position 2 */
  report("renumber a -> b", __wasi_fd_renumber(a, b));
  MUST("read", read_str(b, buf, sizeof buf, &got));
  printf("b now reads from a's position: [%s]\n", buf);
  __wasi_fdstat_t st;
  report("old a after renumber", __wasi_fd_fdstat_get(a, &st));
  report("renumber b -> b (itself)", __wasi_fd_renumber(b, b));
  report("b still open", __wasi_fd_fdstat_get(b, &st));
  report("renumber closed a -> b", __wasi_fd_renumber(a, b));
  report("renumber 100 -> b", __wasi_fd_renumber(100, b));
  report("renumber b -> 100 (not open)", __wasi_fd_renumber(b, 100));
  report("b still open after failed renumbers", __wasi_fd_fdstat_get(b, &st));

  /* Renumber a file onto stderr: what is written to fd 2 lands in the file. */
  __wasi_fd_t out;
  MUST("create out", open_at(SANDBOX, "out.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, 0, &out));
  report("renumber file -> 2 (stderr)", __wasi_fd_renumber(out, 2));
  MUST("write fd 2", write_all(2, "written to fd 2\n", 16));
  __wasi_fd_t rd;
  MUST("open out", open_at(SANDBOX, "out.txt", 0, 0, &rd));
  char line[64];
  MUST("read out", read_str(rd, line, sizeof line, &got));
  printf("out.txt holds: %s", line);
  return 0;
}
