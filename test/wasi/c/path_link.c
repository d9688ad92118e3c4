/*
 * path_link (hard links): the new name shares the inode and content, nlink
 * becomes 2, writes through one name show through the other, unlinking one
 * name leaves the other. Errors: the new name exists -> EEXIST; the source is
 * missing -> ENOENT; the source is a directory -> EPERM (Linux link(2) and
 * wasmtime); trailing slash on the source file -> ENOTDIR; new name inside a
 * missing dir -> ENOENT; a new name with a trailing slash -> ENOENT (Linux
 * linkat(2) too); SYMLINK_FOLLOW in old_flags -> EINVAL (wasmtime does not
 * support following the source; node:wasi links the target). Linking a
 * symlink without follow links the symlink itself.
 */
#include "common.h"

int main(void) {
  make_file(SANDBOX, "src.txt", "shared");
  report("link src.txt -> hard.txt", __wasi_path_link(SANDBOX, 0, "src.txt", SANDBOX, "hard.txt"));
  __wasi_filestat_t a, b;
  MUST("stat a", stat_at(SANDBOX, "src.txt", 0, &a));
  MUST("stat b", stat_at(SANDBOX, "hard.txt", 0, &b));
  printf("same inode: %s nlink=%llu/%llu\n", a.ino == b.ino ? "yes" : "no", (unsigned long long)a.nlink,
         (unsigned long long)b.nlink);
  __wasi_fd_t fd;
  MUST("open", open_at(SANDBOX, "hard.txt", __WASI_OFLAGS_TRUNC, 0, &fd));
  MUST("write", write_all(fd, "changed", 7));
  MUST("close", __wasi_fd_close(fd));
  char buf[32];
  size_t got;
  MUST("open src", open_at(SANDBOX, "src.txt", 0, 0, &fd));
  MUST("read", read_str(fd, buf, sizeof buf, &got));
  printf("src.txt reads: [%s]\n", buf);
  MUST("close", __wasi_fd_close(fd));

  make_file(SANDBOX, "other.txt", "o");
  report("link onto existing", __wasi_path_link(SANDBOX, 0, "src.txt", SANDBOX, "other.txt"));
  report("link onto itself", __wasi_path_link(SANDBOX, 0, "src.txt", SANDBOX, "src.txt"));
  report("link missing source", __wasi_path_link(SANDBOX, 0, "missing", SANDBOX, "x"));
  MUST("mkdir", __wasi_path_create_directory(SANDBOX, "d"));
  report("link a directory", __wasi_path_link(SANDBOX, 0, "d", SANDBOX, "d2"));
  report("link src.txt/ (trailing slash)", __wasi_path_link(SANDBOX, 0, "src.txt/", SANDBOX, "y"));
  report("link into missing dir", __wasi_path_link(SANDBOX, 0, "src.txt", SANDBOX, "nodir/z"));
  report("link to new name with trailing slash", __wasi_path_link(SANDBOX, 0, "src.txt", SANDBOX, "w/"));
  report("link into subdir", __wasi_path_link(SANDBOX, 0, "src.txt", SANDBOX, "d/in.txt"));

  MUST("symlink", __wasi_path_symlink("src.txt", SANDBOX, "sym"));
  report("link symlink (nofollow)", __wasi_path_link(SANDBOX, 0, "sym", SANDBOX, "sym-hard"));
  MUST("stat", stat_at(SANDBOX, "sym-hard", 0, &a));
  printf("sym-hard type: %s\n", ftname(a.filetype));
  report("link symlink with SYMLINK_FOLLOW",
         __wasi_path_link(SANDBOX, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "sym", SANDBOX, "sym-follow"));

  report("unlink src.txt", __wasi_path_unlink_file(SANDBOX, "src.txt"));
  MUST("stat b", stat_at(SANDBOX, "hard.txt", 0, &b));
  printf("hard.txt after unlinking src.txt: nlink=%llu size=%llu\n", (unsigned long long)b.nlink,
         (unsigned long long)b.size);
  return 0;
}
