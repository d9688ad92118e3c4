/*
 * path_rename: file -> new name; file over an existing file (replaced, inode
 * of the source); dir -> new name (contents follow); dir over an empty dir
 * (replaced); dir over a non-empty dir -> ENOTEMPTY; file over a dir ->
 * EISDIR; dir over a file -> ENOTDIR; missing source -> ENOENT; into a
 * missing dir -> ENOENT; a dir into its own subdirectory -> EINVAL; a name
 * onto itself -> ok (no-op). Trailing slashes: "dir/" -> "dir2/" works;
 * "file/" as source -> ENOTDIR; file -> "newname/" -> ENOTDIR; across two
 * directory fds.
 *
 * Divergence: wasmtime-wasi 42 (as measured) renames "b.txt" to "newname/"
 * (dropping the slash); we expect ENOTDIR, as Linux rename(2), node:wasi and
 * the WASI testsuite's path_rename_file_trailing_slashes do.
 */
#include "common.h"

static int exists(const char *p) {
  __wasi_filestat_t st;
  return stat_at(SANDBOX, p, 0, &st) == 0;
}

int main(void) {
  make_file(SANDBOX, "a.txt", "A");
  make_file(SANDBOX, "b.txt", "B");
  report("file -> new name", __wasi_path_rename(SANDBOX, "a.txt", SANDBOX, "c.txt"));
  printf("a.txt gone: %s, c.txt present: %s\n", exists("a.txt") ? "no" : "yes", exists("c.txt") ? "yes" : "no");
  __wasi_filestat_t src, dst;
  MUST("stat", stat_at(SANDBOX, "c.txt", 0, &src));
  report("file over existing file", __wasi_path_rename(SANDBOX, "c.txt", SANDBOX, "b.txt"));
  MUST("stat", stat_at(SANDBOX, "b.txt", 0, &dst));
  printf("b.txt is now the old c.txt: %s\n", src.ino == dst.ino ? "yes" : "no");
  report("onto itself", __wasi_path_rename(SANDBOX, "b.txt", SANDBOX, "b.txt"));

  MUST("mkdir", __wasi_path_create_directory(SANDBOX, "d1"));
  make_file(SANDBOX, "d1/in.txt", "in");
  report("dir -> new name", __wasi_path_rename(SANDBOX, "d1", SANDBOX, "d2"));
  printf("d2/in.txt present: %s\n", exists("d2/in.txt") ? "yes" : "no");
  MUST("mkdir", __wasi_path_create_directory(SANDBOX, "empty"));
  MUST("mkdir", __wasi_path_create_directory(SANDBOX, "full"));
  make_file(SANDBOX, "full/x", "x");
  report("dir over non-empty dir", __wasi_path_rename(SANDBOX, "d2", SANDBOX, "full"));
  report("dir over empty dir", __wasi_path_rename(SANDBOX, "d2", SANDBOX, "empty"));
  printf("empty/in.txt present: %s\n", exists("empty/in.txt") ? "yes" : "no");
  report("file over dir", __wasi_path_rename(SANDBOX, "b.txt", SANDBOX, "full"));
  report("dir over file", __wasi_path_rename(SANDBOX, "full", SANDBOX, "b.txt"));
  report("missing source", __wasi_path_rename(SANDBOX, "missing", SANDBOX, "z"));
  report("into missing dir", __wasi_path_rename(SANDBOX, "b.txt", SANDBOX, "nodir/b.txt"));
  report("dir into its own subdir", __wasi_path_rename(SANDBOX, "full", SANDBOX, "full/sub"));

  /* Trailing slashes. */
  report("dir/ -> dir3/", __wasi_path_rename(SANDBOX, "empty/", SANDBOX, "dir3/"));
  printf("dir3/in.txt present: %s\n", exists("dir3/in.txt") ? "yes" : "no");
  report("dir3 -> dir4/", __wasi_path_rename(SANDBOX, "dir3", SANDBOX, "dir4/"));
  report("dir4/ -> dir5", __wasi_path_rename(SANDBOX, "dir4/", SANDBOX, "dir5"));
  report("file/ -> x", __wasi_path_rename(SANDBOX, "b.txt/", SANDBOX, "x"));
  report("file -> newname/", __wasi_path_rename(SANDBOX, "b.txt", SANDBOX, "newname/"));
  printf("b.txt still present: %s\n", exists("b.txt") ? "yes" : "no");

  /* Across directory fds. */
  __wasi_fd_t dfd;
  MUST("open dir", open_at(SANDBOX, "dir5", __WASI_OFLAGS_DIRECTORY, 0, &dfd));
  report("across fds: b.txt -> dir5/moved.txt", __wasi_path_rename(SANDBOX, "b.txt", dfd, "moved.txt"));
  printf("dir5/moved.txt present: %s\n", exists("dir5/moved.txt") ? "yes" : "no");
  return 0;
}
