/*
 * Preopens with two mounts (/sandbox at fd 3, /other at fd 4):
 * fd_prestat_get gives type DIR and the guest path's byte length;
 * fd_prestat_dir_name gives the name without a NUL (a buffer too short ->
 * ENAMETOOLONG); fd_prestat_get of stdio, of fd 5 (nothing) and of an opened
 * (non-preopen) directory -> EBADF, and fd_prestat_dir_name of that directory
 * -> ENOTDIR (wasmtime's answers). Overwriting a preopen: fd_renumber of a
 * file fd onto fd 4 replaces the preopen (no prestat any more, fd 4 now reads
 * the file, path_open via fd 4 -> ENOTDIR, the old number is closed).
 * Closing a preopen: fd_close(3) works, then path_open via 3 -> EBADF, a
 * directory opened from it earlier still works, and libc's
 * open("/sandbox/...") fails with EBADF (wasi-libc read the preopens once at
 * startup and still resolves /sandbox to fd 3).
 */
#include "common.h"
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

static void prestat(__wasi_fd_t fd, const char *label) {
  __wasi_prestat_t p;
  int e = __wasi_fd_prestat_get(fd, &p);
  if (e) { report(label, e); return; }
  char name[64] = {0};
  int e2 = __wasi_fd_prestat_dir_name(fd, (uint8_t *)name, p.u.dir.pr_name_len);
  printf("%s: ok tag=%u name_len=%u name=[%s] errno=%d\n", label, (unsigned)p.tag, (unsigned)p.u.dir.pr_name_len,
         name, e2);
}

int main(void) {
  prestat(3, "prestat 3");
  prestat(4, "prestat 4");
  prestat(5, "prestat 5");
  prestat(0, "prestat stdin");
  prestat(1, "prestat stdout");
  char small[4] = {0};
  report("prestat_dir_name buffer of 3", __wasi_fd_prestat_dir_name(3, (uint8_t *)small, 3));
  __wasi_fd_t dfd, ffd;
  MUST("mkdir", __wasi_path_create_directory(3, "d"));
  MUST("open d", open_at(3, "d", __WASI_OFLAGS_DIRECTORY, 0, &dfd));
  prestat(dfd, "prestat of opened dir");
  report("prestat_dir_name of opened dir", __wasi_fd_prestat_dir_name(dfd, (uint8_t *)small, 3));

  /* Overwrite preopen 4 with a file. */
  make_file(3, "f.txt", "file contents");
  MUST("open f", open_at(3, "f.txt", 0, 0, &ffd));
  report("fd_renumber file onto preopen 4", __wasi_fd_renumber(ffd, 4));
  prestat(4, "prestat 4 after renumber");
  char buf[32];
  size_t got;
  report("read fd 4", read_str(4, buf, sizeof buf, &got));
  printf("fd 4 reads: [%s]\n", buf);
  __wasi_fdstat_t fst;
  MUST("fdstat", __wasi_fd_fdstat_get(4, &fst));
  printf("fd 4 type: %s\n", ftname(fst.fs_filetype));
  report("old file fd after renumber", __wasi_fd_fdstat_get(ffd, &fst));
  __wasi_fd_t x;
  report("path_open via fd 4 (now a file)", open_at(4, "anything", 0, 0, &x));

  /* Close preopen 3. */
  report("close preopen 3", __wasi_fd_close(3));
  prestat(3, "prestat 3 after close");
  report("path_open via closed preopen", open_at(3, "f.txt", 0, 0, &x));
  report("opened dir still usable after its preopen closed", open_at(dfd, ".", __WASI_OFLAGS_DIRECTORY, 0, &x));
  errno = 0;
  int lfd = open("/sandbox/f.txt", O_RDONLY);
  /* wasi-libc's errno values are WASI's. */
  printf("libc open /sandbox/f.txt after close: %s errno=%d %s\n", lfd >= 0 ? "opened" : "failed", errno,
         errname(errno));
  return 0;
}
