/*
 * path_create_directory: a new directory (type DIRECTORY, empty listing);
 * nested in an existing one; an existing name (dir, file, symlink) -> EEXIST;
 * a missing parent -> ENOENT; a trailing slash "new/" works; a file as a
 * middle component -> ENOTDIR; "." -> EEXIST.
 */
#include "common.h"

int main(void) {
  report("mkdir a", __wasi_path_create_directory(SANDBOX, "a"));
  __wasi_filestat_t st;
  MUST("stat", stat_at(SANDBOX, "a", 0, &st));
  printf("a: type=%s\n", ftname(st.filetype));
  report("mkdir a/b", __wasi_path_create_directory(SANDBOX, "a/b"));
  report("mkdir a again", __wasi_path_create_directory(SANDBOX, "a"));
  make_file(SANDBOX, "f", "");
  report("mkdir over file", __wasi_path_create_directory(SANDBOX, "f"));
  MUST("symlink", __wasi_path_symlink("a", SANDBOX, "l"));
  report("mkdir over symlink", __wasi_path_create_directory(SANDBOX, "l"));
  report("mkdir missing parent", __wasi_path_create_directory(SANDBOX, "x/y"));
  report("mkdir c/ (trailing slash)", __wasi_path_create_directory(SANDBOX, "c/"));
  report("mkdir under a file", __wasi_path_create_directory(SANDBOX, "f/z"));
  report("mkdir .", __wasi_path_create_directory(SANDBOX, "."));
  report("mkdir via symlinked dir l/d", __wasi_path_create_directory(SANDBOX, "l/d"));
  report("a/d exists", stat_at(SANDBOX, "a/d", 0, &st));
  return 0;
}
