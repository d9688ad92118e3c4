/*
 * path_open with O_CREAT/O_EXCL/O_TRUNC: creating a new file; O_CREAT on an
 * existing file opens it (content kept); O_CREAT|O_EXCL on an existing file,
 * directory or symlink -> EEXIST; O_EXCL alone on an existing file
 * succeeds (O_EXCL is ignored without O_CREAT, as on Linux); O_CREAT in a
 * missing directory -> ENOENT; O_CREAT on an existing directory -> EISDIR;
 * O_CREAT|O_DIRECTORY -> EINVAL and creates nothing (wasmtime); O_CREAT
 * through a path whose middle component is a file -> ENOTDIR.
 */
#include "common.h"

static void op(const char *label, const char *path, __wasi_oflags_t oflags) {
  __wasi_fd_t fd;
  int e = open_at(SANDBOX, path, oflags, 0, &fd);
  report(label, e);
  if (!e) __wasi_fd_close(fd);
}

int main(void) {
  op("create new", "new.txt", __WASI_OFLAGS_CREAT);
  __wasi_filestat_t st;
  report("new file exists", stat_at(SANDBOX, "new.txt", 0, &st));
  printf("new file size: %llu\n", (unsigned long long)st.size);
  make_file(SANDBOX, "old.txt", "old contents");
  op("O_CREAT existing", "old.txt", __WASI_OFLAGS_CREAT);
  MUST("stat", stat_at(SANDBOX, "old.txt", 0, &st));
  printf("existing size kept: %llu\n", (unsigned long long)st.size);
  op("O_CREAT|O_EXCL existing file", "old.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL);
  op("O_EXCL alone existing file", "old.txt", __WASI_OFLAGS_EXCL);
  MUST("mkdir", __wasi_path_create_directory(SANDBOX, "d"));
  op("O_CREAT|O_EXCL existing dir", "d", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL);
  op("O_CREAT existing dir", "d", __WASI_OFLAGS_CREAT);
  MUST("symlink", __wasi_path_symlink("old.txt", SANDBOX, "sym"));
  op("O_CREAT|O_EXCL existing symlink", "sym", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL);
  op("O_CREAT in missing dir", "nodir/x.txt", __WASI_OFLAGS_CREAT);
  op("O_CREAT under a file", "old.txt/x.txt", __WASI_OFLAGS_CREAT);
  op("O_CREAT|O_DIRECTORY new", "newdir", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_DIRECTORY);
  report("O_CREAT|O_DIRECTORY did not create",
         stat_at(SANDBOX, "newdir", 0, &st) == __WASI_ERRNO_NOENT ? 0 : __WASI_ERRNO_EXIST);
  op("O_CREAT|O_EXCL|O_TRUNC new", "t.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL | __WASI_OFLAGS_TRUNC);
  op("O_CREAT in subdir", "d/in.txt", __WASI_OFLAGS_CREAT);
  report("subdir file exists", stat_at(SANDBOX, "d/in.txt", 0, &st));
  return 0;
}
