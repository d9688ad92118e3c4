/*
 * dev and ino from fd_filestat_get and path_filestat_get: the same file seen
 * through two fds, through a path and through a symlink has one (dev, ino);
 * a hard link shares it and raises nlink to 2; distinct files have distinct
 * inos; every file in the mount has the mount's dev; ino is non-zero; the
 * inode survives a rename. Only relations are printed, never the numbers.
 */
#include "common.h"

static const char *same(__wasi_filestat_t *a, __wasi_filestat_t *b) {
  return a->dev == b->dev && a->ino == b->ino ? "same" : "different";
}

int main(void) {
  make_file(SANDBOX, "one.txt", "1");
  make_file(SANDBOX, "two.txt", "2");
  __wasi_fd_t fa, fb;
  MUST("open a", open_at(SANDBOX, "one.txt", 0, 0, &fa));
  MUST("open b", open_at(SANDBOX, "one.txt", 0, 0, &fb));
  __wasi_filestat_t sa, sb, sp, s2, sl, sh, sd, sr, sroot;
  MUST("fstat a", __wasi_fd_filestat_get(fa, &sa));
  MUST("fstat b", __wasi_fd_filestat_get(fb, &sb));
  MUST("stat path", stat_at(SANDBOX, "one.txt", 0, &sp));
  MUST("stat two", stat_at(SANDBOX, "two.txt", 0, &s2));
  MUST("symlink", __wasi_path_symlink("one.txt", SANDBOX, "one.lnk"));
  MUST("stat via symlink", stat_at(SANDBOX, "one.lnk", 1, &sl));
  printf("two fds on one file: %s\n", same(&sa, &sb));
  printf("fd vs path: %s\n", same(&sa, &sp));
  printf("path vs followed symlink: %s\n", same(&sp, &sl));
  printf("two files: %s\n", same(&sa, &s2));
  printf("ino non-zero: %s\n", sa.ino != 0 && s2.ino != 0 ? "yes" : "no");
  printf("nlink before hard link: %llu\n", (unsigned long long)sa.nlink);
  MUST("link", __wasi_path_link(SANDBOX, 0, "one.txt", SANDBOX, "one.hard"));
  MUST("stat hard", stat_at(SANDBOX, "one.hard", 0, &sh));
  MUST("fstat a again", __wasi_fd_filestat_get(fa, &sa));
  printf("hard link: %s\n", same(&sa, &sh));
  printf("nlink after hard link: fd=%llu path=%llu\n", (unsigned long long)sa.nlink,
         (unsigned long long)sh.nlink);
  __wasi_filestat_t slnk;
  MUST("lstat symlink", stat_at(SANDBOX, "one.lnk", 0, &slnk));
  printf("symlink itself vs target: %s\n", same(&slnk, &sa));
  MUST("mkdir", __wasi_path_create_directory(SANDBOX, "d"));
  MUST("stat dir", stat_at(SANDBOX, "d", 0, &sd));
  MUST("stat root", __wasi_fd_filestat_get(SANDBOX, &sroot));
  printf("dev same across the mount: %s\n",
         sa.dev == s2.dev && sa.dev == sd.dev && sa.dev == sroot.dev && sa.dev == slnk.dev ? "yes" : "no");
  printf("dir vs file: %s\n", same(&sd, &sa));
  MUST("rename", __wasi_path_rename(SANDBOX, "two.txt", SANDBOX, "d/two-moved.txt"));
  MUST("stat renamed", stat_at(SANDBOX, "d/two-moved.txt", 0, &sr));
  printf("renamed file keeps its inode: %s\n", same(&sr, &s2));
  MUST("unlink", __wasi_path_unlink_file(SANDBOX, "one.txt"));
  MUST("fstat after unlink", __wasi_fd_filestat_get(fb, &sb));
  printf("open fd after unlink of one name: %s, nlink=%llu\n", same(&sb, &sh), (unsigned long long)sb.nlink);
  return 0;
}
