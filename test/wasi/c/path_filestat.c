/*
 * path_filestat_get: filetype, size and nlink of a file, an empty file, a
 * directory and a symlink (size = byte length of the target; with follow, the
 * target's stat); a new file's three timestamps are equal-or-sensible (only
 * "non-zero" is printed); fd_filestat_get of the same file agrees;
 * path_filestat_set_times without follow on a symlink changes the link, not
 * the target (wasmtime on Linux: utimensat with AT_SYMLINK_NOFOLLOW) -- see
 * expected output. Errors: missing -> ENOENT, bad fd -> EBADF, a file as the
 * dirfd -> EBADF (wasmtime: not a directory descriptor; path_open with a
 * file dirfd says ENOTDIR there, see path_open_errors). Fixture: basic.
 */
#include "common.h"

static void show(const char *path, int follow) {
  __wasi_filestat_t st;
  char label[64];
  snprintf(label, sizeof label, "%s %s", follow ? "follow" : "nofollow", path);
  int e = stat_at(SANDBOX, path, follow, &st);
  if (e) { report(label, e); return; }
  printf("%s: type=%s size=%llu nlink=%llu\n", label, ftname(st.filetype), (unsigned long long)st.size,
         (unsigned long long)st.nlink);
}

int main(void) {
  show("file.txt", 0);
  show("empty.txt", 0);
  show("link-to-file", 0);
  show("link-to-file", 1);
  show("link-to-dir", 0);
  show("dir/inner.txt", 1);
  __wasi_filestat_t a, b;
  MUST("stat", stat_at(SANDBOX, "dir", 0, &a));
  printf("dir: type=%s\n", ftname(a.filetype));
  make_file(SANDBOX, "new.txt", "abc");
  MUST("stat", stat_at(SANDBOX, "new.txt", 0, &a));
  printf("new file times non-zero: %s\n", a.atim && a.mtim && a.ctim ? "yes" : "no");
  __wasi_fd_t fd;
  MUST("open", open_at(SANDBOX, "new.txt", 0, 0, &fd));
  MUST("fstat", __wasi_fd_filestat_get(fd, &b));
  printf("fd and path filestat agree: %s\n",
         a.dev == b.dev && a.ino == b.ino && a.filetype == b.filetype && a.size == b.size && a.nlink == b.nlink &&
                 a.mtim == b.mtim
             ? "yes"
             : "no");
  report("missing", stat_at(SANDBOX, "missing", 0, &a));
  report("bad dirfd 77", __wasi_path_filestat_get(77, 0, "file.txt", &a));
  report("file as dirfd", __wasi_path_filestat_get(fd, 0, "x", &a));

  /* Set times on a symlink itself. */
  __wasi_filestat_t before;
  MUST("stat target", stat_at(SANDBOX, "file.txt", 0, &before));
  report("set_times nofollow on link-to-file",
         __wasi_path_filestat_set_times(SANDBOX, 0, "link-to-file", 4000000000ull, 5000000000ull,
                                        __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
  MUST("stat link", stat_at(SANDBOX, "link-to-file", 0, &a));
  MUST("stat target", stat_at(SANDBOX, "file.txt", 0, &b));
  printf("link mtim=%llu; target mtim unchanged: %s\n", (unsigned long long)a.mtim,
         b.mtim == before.mtim ? "yes" : "no");
  return 0;
}
