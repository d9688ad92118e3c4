/*
 * path_remove_directory: an empty directory is removed; with a trailing
 * slash ("dir/") too; a non-empty directory -> ENOTEMPTY (entries kept); a
 * file -> ENOTDIR; a file with a trailing slash -> ENOTDIR; a missing name
 * -> ENOENT; a symlink to a directory -> ENOTDIR (not followed); "." ->
 * EINVAL (as Linux rmdir(2)); the preopen itself is never removed.
 *
 * Divergence: wasmtime-wasi 42 (as measured) fails "dir/" with EINVAL; we
 * expect success, as the WASI testsuite's remove_directory_trailing_slashes,
 * Linux rmdir(2) and node:wasi do.
 */
#include "common.h"

int main(void) {
  MUST("mkdir", __wasi_path_create_directory(SANDBOX, "e1"));
  MUST("mkdir", __wasi_path_create_directory(SANDBOX, "e2"));
  MUST("mkdir", __wasi_path_create_directory(SANDBOX, "full"));
  make_file(SANDBOX, "full/x", "x");
  make_file(SANDBOX, "f.txt", "f");
  MUST("symlink", __wasi_path_symlink("full", SANDBOX, "lnk"));
  report("rmdir empty", __wasi_path_remove_directory(SANDBOX, "e1"));
  report("rmdir empty again", __wasi_path_remove_directory(SANDBOX, "e1"));
  report("rmdir e2/ (trailing slash)", __wasi_path_remove_directory(SANDBOX, "e2/"));
  report("rmdir non-empty", __wasi_path_remove_directory(SANDBOX, "full"));
  __wasi_filestat_t st;
  report("full/x still there", stat_at(SANDBOX, "full/x", 0, &st));
  report("rmdir file", __wasi_path_remove_directory(SANDBOX, "f.txt"));
  report("rmdir file/ (trailing slash)", __wasi_path_remove_directory(SANDBOX, "f.txt/"));
  report("rmdir missing", __wasi_path_remove_directory(SANDBOX, "missing"));
  report("rmdir symlink to dir", __wasi_path_remove_directory(SANDBOX, "lnk"));
  report("rmdir .", __wasi_path_remove_directory(SANDBOX, "."));
  report("preopen still there", __wasi_fd_filestat_get(SANDBOX, &st));
  report("rmdir full/x (file in dir)", __wasi_path_remove_directory(SANDBOX, "full/x"));
  report("unlink full/x", __wasi_path_unlink_file(SANDBOX, "full/x"));
  report("rmdir full/ now empty", __wasi_path_remove_directory(SANDBOX, "full/"));
  return 0;
}
