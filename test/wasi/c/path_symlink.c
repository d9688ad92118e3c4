/*
 * path_symlink: creating links whose target is anything (the target is
 * stored as given, not resolved); the link name existing (file, dir, link)
 * -> EEXIST; in a missing dir -> ENOENT. Trailing slashes on the link name
 * (wasmtime, as Linux symlinkat(2)): a new name "new-link/" -> ENOENT, an
 * existing file "file.txt/" -> ENOTDIR, an existing dir "dir/" -> EEXIST. A
 * target with a trailing slash ("dir/", "file.txt/") is stored as is and
 * resolution decides later ("file.txt/" -> ENOTDIR when followed). An
 * absolute target is refused with EPERM (wasmtime); a relative target that
 * climbs out ("../outside") is stored (it could never be followed out of
 * the sandbox); an empty target -> ENOENT (wasmtime, as Linux).
 */
#include "common.h"

static void mk(const char *target, const char *link) {
  char label[96];
  snprintf(label, sizeof label, "symlink %s -> [%s]", link, target);
  report(label, __wasi_path_symlink(target, SANDBOX, link));
}

static void rl(const char *link) {
  char buf[64];
  __wasi_size_t n = 0;
  int e = __wasi_path_readlink(SANDBOX, link, (uint8_t *)buf, sizeof buf, &n);
  if (e) printf("readlink %s: errno=%d %s\n", link, e, errname(e));
  else printf("readlink %s: [%.*s]\n", link, (int)n, buf);
}

int main(void) {
  make_file(SANDBOX, "file.txt", "f");
  MUST("mkdir", __wasi_path_create_directory(SANDBOX, "dir"));
  mk("file.txt", "l1");
  rl("l1");
  mk("does/not/exist", "l2");
  rl("l2");
  mk("dir/", "l3");
  rl("l3");
  __wasi_filestat_t st;
  report("stat follow l3 (target dir/)", stat_at(SANDBOX, "l3", 1, &st));
  mk("file.txt/", "l4");
  report("stat follow l4 (target file.txt/)", stat_at(SANDBOX, "l4", 1, &st));
  mk("x", "file.txt");
  mk("x", "dir");
  mk("x", "l1");
  mk("x", "nodir/l");
  mk("file.txt", "new-link/");
  mk("file.txt", "file.txt/");
  mk("file.txt", "dir/");
  mk("/etc/passwd", "abs");
  mk("../outside", "esc");
  mk("", "empty-target");
  return 0;
}
