/*
 * Does a path exist? path_filestat_get with and without SYMLINK_FOLLOW over a
 * file, a directory, a missing name, a symlink to a file, a symlink to a
 * directory, a dangling symlink and a symlink loop; libc's access() and
 * stat() agree. Fixture: basic.
 */
#include "common.h"
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

static void check(const char *name) {
  __wasi_filestat_t st;
  int ef = stat_at(SANDBOX, name, 1, &st);
  int tf = ef ? -1 : st.filetype;
  int en = stat_at(SANDBOX, name, 0, &st);
  int tn = en ? -1 : st.filetype;
  char path[64];
  snprintf(path, sizeof path, "/sandbox/%s", name);
  int acc = access(path, F_OK);
  struct stat s;
  int sr = stat(path, &s);
  int lr = lstat(path, &s);
  printf("%-13s follow=%s nofollow=%s access=%d stat=%d lstat=%d\n", name, ef ? errname(ef) : ftname(tf),
         en ? errname(en) : ftname(tn), acc, sr, lr);
}

int main(void) {
  const char *names[] = {"file.txt", "dir", "dir/inner.txt", "missing", "link-to-file", "link-to-dir", "dangling",
                         "self-loop"};
  for (int i = 0; i < 8; i++) check(names[i]);
  return 0;
}
