/*
 * Opening symlinks without following them (dirflags without SYMLINK_FOLLOW,
 * i.e. O_NOFOLLOW): a symlink to a file, to a directory (with or without
 * O_DIRECTORY; Linux would say ENOTDIR for O_DIRECTORY, wasmtime says ELOOP),
 * a dangling symlink, and with O_CREAT or O_TRUNC -> ELOOP; a symlink in the
 * middle of the path is still followed ("link-to-dir/inner.txt" opens). With
 * SYMLINK_FOLLOW the same links open normally; loops -> ELOOP either way.
 * path_filestat_get without follow reports the link itself -- also for
 * "link-to-dir/" with a trailing slash, where POSIX lstat(2) would follow the
 * link: wasmtime reports SYMBOLIC_LINK, and we follow wasmtime. Fixture: basic.
 */
#include "common.h"

static void op(const char *label, const char *path, __wasi_lookupflags_t look, __wasi_oflags_t oflags) {
  __wasi_fd_t fd;
  __wasi_rights_t r = mode_rights(SANDBOX, 'r');
  int e = __wasi_path_open(SANDBOX, look, path, oflags, r, r, 0, &fd);
  report(label, e);
  if (!e) __wasi_fd_close(fd);
}

int main(void) {
  op("nofollow link-to-file", "link-to-file", 0, 0);
  op("nofollow link-to-dir", "link-to-dir", 0, 0);
  op("nofollow link-to-dir O_DIRECTORY", "link-to-dir", 0, __WASI_OFLAGS_DIRECTORY);
  op("nofollow dangling", "dangling", 0, 0);
  op("nofollow self-loop", "self-loop", 0, 0);
  op("nofollow link-to-dir/inner.txt", "link-to-dir/inner.txt", 0, 0);
  op("nofollow link-to-file O_CREAT", "link-to-file", 0, __WASI_OFLAGS_CREAT);
  op("nofollow link-to-file O_TRUNC", "link-to-file", 0, __WASI_OFLAGS_TRUNC);
  op("follow link-to-file", "link-to-file", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, 0);
  op("follow link-to-dir O_DIRECTORY", "link-to-dir", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, __WASI_OFLAGS_DIRECTORY);
  op("follow loop-a", "loop-a", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, 0);
  op("follow self-loop", "self-loop", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, 0);
  op("follow loop-a/x (loop mid-path)", "loop-a/x", 0, 0);
  __wasi_filestat_t st;
  int e = stat_at(SANDBOX, "link-to-dir", 0, &st);
  if (e) report("filestat nofollow link-to-dir", e);
  else printf("filestat nofollow link-to-dir: ok type=%s\n", ftname(st.filetype));
  e = stat_at(SANDBOX, "link-to-dir", 1, &st);
  if (e) report("filestat follow link-to-dir", e);
  else printf("filestat follow link-to-dir: ok type=%s\n", ftname(st.filetype));
  e = stat_at(SANDBOX, "link-to-dir/", 0, &st);
  if (e) report("filestat nofollow link-to-dir/ (trailing slash)", e);
  else printf("filestat nofollow link-to-dir/ (trailing slash): ok type=%s\n", ftname(st.filetype));
  report("filestat follow loop-b", stat_at(SANDBOX, "loop-b", 1, &st));
  return 0;
}
