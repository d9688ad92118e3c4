/*
 * path_unlink_file: a file is removed (an open fd keeps working); "file/"
 * (trailing slash) -> ENOTDIR and the file stays; a directory -> EISDIR
 * (wasmtime on Linux; POSIX allows EPERM); "dir/" -> EISDIR; a missing name
 * -> ENOENT; a symlink is removed itself, not its target; a symlink to a dir
 * with a trailing slash ("ld/") -> EISDIR (the slash resolves it to the dir;
 * node:wasi says ENOTDIR); a dangling symlink is removed.
 */
#include "common.h"

int main(void) {
  make_file(SANDBOX, "f.txt", "content");
  make_file(SANDBOX, "g.txt", "g");
  MUST("mkdir", __wasi_path_create_directory(SANDBOX, "d"));
  MUST("symlink", __wasi_path_symlink("g.txt", SANDBOX, "lg"));
  MUST("symlink", __wasi_path_symlink("d", SANDBOX, "ld"));
  MUST("symlink", __wasi_path_symlink("nothing", SANDBOX, "dangling"));
  __wasi_fd_t fd;
  MUST("open", open_at(SANDBOX, "f.txt", 0, 0, &fd));
  report("unlink f.txt/ (trailing slash)", __wasi_path_unlink_file(SANDBOX, "f.txt/"));
  __wasi_filestat_t st;
  report("f.txt still there", stat_at(SANDBOX, "f.txt", 0, &st));
  report("unlink f.txt", __wasi_path_unlink_file(SANDBOX, "f.txt"));
  report("f.txt gone", stat_at(SANDBOX, "f.txt", 0, &st));
  char buf[16];
  size_t got;
  report("read via fd after unlink", read_str(fd, buf, sizeof buf, &got));
  printf("fd after unlink reads: [%s]\n", buf);
  report("unlink f.txt again", __wasi_path_unlink_file(SANDBOX, "f.txt"));
  report("unlink dir", __wasi_path_unlink_file(SANDBOX, "d"));
  report("unlink dir/", __wasi_path_unlink_file(SANDBOX, "d/"));
  report("unlink missing", __wasi_path_unlink_file(SANDBOX, "missing"));
  report("unlink ld/ (symlink to dir, trailing slash)", __wasi_path_unlink_file(SANDBOX, "ld/"));
  report("unlink lg (symlink to file)", __wasi_path_unlink_file(SANDBOX, "lg"));
  report("g.txt still there", stat_at(SANDBOX, "g.txt", 0, &st));
  report("unlink ld (symlink to dir)", __wasi_path_unlink_file(SANDBOX, "ld"));
  report("d still there", stat_at(SANDBOX, "d", 0, &st));
  report("unlink dangling", __wasi_path_unlink_file(SANDBOX, "dangling"));
  return 0;
}
