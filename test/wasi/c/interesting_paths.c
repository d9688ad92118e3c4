/*
 * Path resolution corner cases, through path_open and path_filestat_get on
 * the preopen: "dir/" and "dir/." and "dir/sub/.." resolve to dirs; a
 * trailing slash on a file ("file.txt/") -> ENOTDIR; "." is the preopen
 * itself; ".." at the root and "dir/../../x" escape the mount -> EPERM
 * (the errno wasmtime 42 uses for sandbox escapes; older wasmtimes and
 * node:wasi said ENOTCAPABLE; the hostile battery checks escapes in depth); an
 * absolute path -> EPERM; the empty path -> ENOENT; creating "newfile/" with
 * O_CREAT -> EISDIR (as Linux open(2)); a NUL byte inside the path -> EINVAL;
 * invalid UTF-8 -> EILSEQ; a 300-byte component -> ENAMETOOLONG while 255
 * bytes work; a 2808-byte path of 800 components resolves; repeated slashes
 * "dir//inner.txt" are fine; a missing middle component -> ENOENT; a file
 * used as a middle component, or followed by "/" or "/." -> ENOTDIR.
 * Fixture: basic.
 */
#include "common.h"

static void st(const char *label, const char *path) {
  __wasi_filestat_t s;
  int e = stat_at(SANDBOX, path, 1, &s);
  if (e) report(label, e);
  else printf("%s: ok type=%s\n", label, ftname(s.filetype));
}

static void op(const char *label, const char *path, __wasi_oflags_t oflags) {
  __wasi_fd_t fd;
  int e = open_at(SANDBOX, path, oflags, 0, &fd);
  report(label, e);
  if (!e) __wasi_fd_close(fd);
}

int main(void) {
  st("stat dir/", "dir/");
  st("stat dir/.", "dir/.");
  st("stat dir/sub/..", "dir/sub/..");
  st("stat dir//inner.txt", "dir//inner.txt");
  st("stat ./dir/./inner.txt", "./dir/./inner.txt");
  st("stat dir/sub/../inner.txt", "dir/sub/../inner.txt");
  st("stat .", ".");
  st("stat file.txt/", "file.txt/");
  st("stat file.txt/.", "file.txt/.");
  st("stat file.txt/x", "file.txt/x");
  st("stat missing/x", "missing/x");
  st("stat ..", "..");
  st("stat ../x", "../x");
  st("stat dir/../../x", "dir/../../x");
  st("stat /file.txt", "/file.txt");
  st("stat empty path", "");
  op("open file.txt/", "file.txt/", 0);
  op("open dir/ O_DIRECTORY", "dir/", __WASI_OFLAGS_DIRECTORY);
  op("open . O_DIRECTORY", ".", __WASI_OFLAGS_DIRECTORY);
  op("open .. O_DIRECTORY", "..", __WASI_OFLAGS_DIRECTORY);
  op("open empty path", "", 0);
  op("create new/ (trailing slash)", "newfile/", __WASI_OFLAGS_CREAT);

  /* Embedded NUL: "file.txt\0junk", passed with its full length. */
  static const char nul[] = "file.txt\0junk";
  __wasi_fd_t fd;
  report("path_open with embedded NUL",
         raw_path_open(SANDBOX, 0, (int32_t)nul, sizeof nul - 1, 0, (int64_t)mode_rights(SANDBOX, 'r'), 0, 0,
                       (int32_t)&fd));
  __wasi_filestat_t s;
  report("path_filestat_get with embedded NUL",
         raw_path_filestat_get(SANDBOX, 0, (int32_t)nul, sizeof nul - 1, (int32_t)&s));
  /* Invalid UTF-8. */
  static const char bad[] = "file\xff.txt";
  report("path_filestat_get invalid UTF-8", raw_path_filestat_get(SANDBOX, 0, (int32_t)bad, sizeof bad - 1, (int32_t)&s));

  /* Long names. */
  char longname[301];
  memset(longname, 'n', 300);
  longname[300] = 0;
  st("stat 300-byte component", longname);
  op("create 300-byte component", longname, __WASI_OFLAGS_CREAT);
  memset(longname, 'm', 255);
  longname[255] = 0;
  op("create 255-byte component", longname, __WASI_OFLAGS_CREAT);
  st("stat 255-byte component", longname);
  /* 200 components of "d/" then the file: "dir/sub/../sub/.." repeated stays short on disk. */
  static char deep[4096];
  deep[0] = 0;
  for (int i = 0; i < 200; i++) strcat(deep, "dir/sub/../../");
  strcat(deep, "file.txt");
  st("stat 2808-byte path with 800 components", deep);
  return 0;
}
