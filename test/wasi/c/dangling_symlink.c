/*
 * Dangling symlinks (fixture "basic": dangling -> missing): following them
 * fails with ENOENT (open, filestat with follow); without follow the link
 * itself is seen (filestat type SYMBOLIC_LINK, readlink gives the target);
 * O_CREAT|O_EXCL on the link name -> EEXIST; it can be unlinked; creating
 * one with path_symlink works and it shows in a sorted listing.
 *
 * wasmtime refuses to create the target through a dangling symlink with
 * O_CREAT (its path resolution never creates through a final symlink), so
 * that case is not tested here (Linux would create "missing").
 */
#include "common.h"

int main(void) {
  __wasi_fd_t fd;
  __wasi_filestat_t st;
  report("open dangling (follow)", open_at(SANDBOX, "dangling", 0, 0, &fd));
  report("open dangling O_DIRECTORY", open_at(SANDBOX, "dangling", __WASI_OFLAGS_DIRECTORY, 0, &fd));
  report("filestat dangling follow", stat_at(SANDBOX, "dangling", 1, &st));
  int e = stat_at(SANDBOX, "dangling", 0, &st);
  if (e) report("filestat dangling nofollow", e);
  else printf("filestat dangling nofollow: ok type=%s size=%llu\n", ftname(st.filetype), (unsigned long long)st.size);
  char buf[64];
  __wasi_size_t n = 0;
  e = __wasi_path_readlink(SANDBOX, "dangling", (uint8_t *)buf, sizeof buf, &n);
  if (e) report("readlink dangling", e);
  else printf("readlink dangling: ok [%.*s]\n", (int)n, buf);
  report("create excl over dangling", open_at(SANDBOX, "dangling", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, 0, &fd));
  report("filestat target still missing", stat_at(SANDBOX, "missing", 0, &st));
  report("path_symlink new dangling", __wasi_path_symlink("nowhere/at/all", SANDBOX, "dangling2"));
  e = stat_at(SANDBOX, "dangling2", 0, &st);
  if (e) report("filestat dangling2 nofollow", e);
  else printf("filestat dangling2 nofollow: ok type=%s size=%llu\n", ftname(st.filetype), (unsigned long long)st.size);
  report("open dangling2", open_at(SANDBOX, "dangling2", 0, 0, &fd));
  report("unlink dangling", __wasi_path_unlink_file(SANDBOX, "dangling"));
  report("filestat dangling after unlink", stat_at(SANDBOX, "dangling", 0, &st));
  report("unlink dangling2", __wasi_path_unlink_file(SANDBOX, "dangling2"));
  return 0;
}
