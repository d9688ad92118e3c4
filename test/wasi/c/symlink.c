/*
 * Symlinks: create one to a file and one to a directory, read through them
 * (contents, a file inside the linked dir), path_filestat_get without follow
 * (type SYMBOLIC_LINK, size = target length) and with follow (the target);
 * a chain of links resolves; a loop (a -> b -> a) and a self-loop -> ELOOP;
 * a chain longer than the runtime's limit (wasmtime: 40 hops) -> ELOOP;
 * symlinks with ".." inside the mount resolve; writing through a symlink
 * changes the target.
 */
#include "common.h"

int main(void) {
  make_file(SANDBOX, "target.txt", "through the link");
  MUST("mkdir", __wasi_path_create_directory(SANDBOX, "d"));
  make_file(SANDBOX, "d/in.txt", "inside");
  report("symlink to file", __wasi_path_symlink("target.txt", SANDBOX, "lf"));
  report("symlink to dir", __wasi_path_symlink("d", SANDBOX, "ld"));
  report("symlink with ..", __wasi_path_symlink("../target.txt", SANDBOX, "d/up"));
  __wasi_fd_t fd;
  char buf[64];
  size_t got;
  MUST("open lf", open_at(SANDBOX, "lf", 0, 0, &fd));
  MUST("read", read_str(fd, buf, sizeof buf, &got));
  printf("read via lf: [%s]\n", buf);
  MUST("open ld/in.txt", open_at(SANDBOX, "ld/in.txt", 0, 0, &fd));
  MUST("read", read_str(fd, buf, sizeof buf, &got));
  printf("read via ld/in.txt: [%s]\n", buf);
  MUST("open d/up", open_at(SANDBOX, "d/up", 0, 0, &fd));
  MUST("read", read_str(fd, buf, sizeof buf, &got));
  printf("read via d/up: [%s]\n", buf);
  __wasi_filestat_t st;
  MUST("lstat", stat_at(SANDBOX, "lf", 0, &st));
  printf("lf nofollow: type=%s size=%llu\n", ftname(st.filetype), (unsigned long long)st.size);
  MUST("stat", stat_at(SANDBOX, "lf", 1, &st));
  printf("lf follow: type=%s size=%llu\n", ftname(st.filetype), (unsigned long long)st.size);
  MUST("stat", stat_at(SANDBOX, "ld", 1, &st));
  printf("ld follow: type=%s\n", ftname(st.filetype));

  /* A chain of 10 links. */
  MUST("chain", __wasi_path_symlink("target.txt", SANDBOX, "c0"));
  char from[16], to[16];
  for (int i = 1; i < 10; i++) {
    snprintf(from, sizeof from, "c%d", i - 1);
    snprintf(to, sizeof to, "c%d", i);
    MUST("chain", __wasi_path_symlink(from, SANDBOX, to));
  }
  MUST("stat", stat_at(SANDBOX, "c9", 1, &st));
  printf("chain of 10: type=%s size=%llu\n", ftname(st.filetype), (unsigned long long)st.size);
  /* A chain of 100 links is past any runtime's limit. */
  for (int i = 10; i < 100; i++) {
    snprintf(from, sizeof from, "c%d", i - 1);
    snprintf(to, sizeof to, "c%d", i);
    MUST("chain", __wasi_path_symlink(from, SANDBOX, to));
  }
  report("chain of 100", stat_at(SANDBOX, "c99", 1, &st));
  report("open chain of 100", open_at(SANDBOX, "c99", 0, 0, &fd));

  MUST("loop", __wasi_path_symlink("loop-b", SANDBOX, "loop-a"));
  MUST("loop", __wasi_path_symlink("loop-a", SANDBOX, "loop-b"));
  MUST("loop", __wasi_path_symlink("self", SANDBOX, "self"));
  report("open loop-a", open_at(SANDBOX, "loop-a", 0, 0, &fd));
  report("stat follow loop-a", stat_at(SANDBOX, "loop-a", 1, &st));
  report("open self", open_at(SANDBOX, "self", 0, 0, &fd));
  report("open self/x", open_at(SANDBOX, "self/x", 0, 0, &fd));
  int e = stat_at(SANDBOX, "self", 0, &st);
  if (e) report("lstat self", e);
  else printf("lstat self: ok type=%s\n", ftname(st.filetype));

  MUST("open lf for write", open_at(SANDBOX, "lf", __WASI_OFLAGS_TRUNC, 0, &fd));
  MUST("write", write_all(fd, "rewritten", 9));
  MUST("open target", open_at(SANDBOX, "target.txt", 0, 0, &fd));
  MUST("read", read_str(fd, buf, sizeof buf, &got));
  printf("target after write via lf: [%s]\n", buf);
  return 0;
}
