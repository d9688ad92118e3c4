/*
 * fd_readdir: the listing includes "." and ".." (type DIRECTORY); each entry's
 * d_type and d_namlen are right (file, directory, symlink not followed);
 * d_ino of an entry matches path_filestat_get's ino; d_next cookies resume
 * correctly (restarting from any entry's d_next lists exactly the entries
 * after it, in the same order); a cookie past the end gives 0 bytes; buffers
 * smaller than one entry are filled completely (bufused == buf_len, the
 * entry truncated), and a loop with a small buffer that restarts from the last
 * complete entry sees every entry; an empty directory lists just "." and "..";
 * a file created later shows up in a fresh listing; fd_readdir on a file fd
 * -> EBADF (wasmtime; POSIX would say ENOTDIR).
 * Listings are printed sorted by name, since directory order is the host's.
 */
#include "common.h"

#define MAXE 32
typedef struct {
  char name[64];
  __wasi_dircookie_t next;
  __wasi_inode_t ino;
  int type;
} ent_t;

/* Parses the complete entries in buf[0..used); returns how many. */
static int parse(const uint8_t *buf, size_t used, ent_t *out, int max) {
  size_t off = 0;
  int n = 0;
  while (off + sizeof(__wasi_dirent_t) <= used && n < max) {
    __wasi_dirent_t d;
    memcpy(&d, buf + off, sizeof d);
    if (off + sizeof d + d.d_namlen > used) break; /* truncated name */
    size_t len = d.d_namlen < 63 ? d.d_namlen : 63;
    memcpy(out[n].name, buf + off + sizeof d, len);
    out[n].name[len] = 0;
    out[n].next = d.d_next;
    out[n].ino = d.d_ino;
    out[n].type = d.d_type;
    n++;
    off += sizeof d + d.d_namlen;
  }
  return n;
}

static int list(__wasi_fd_t fd, __wasi_dircookie_t cookie, ent_t *out) {
  static uint8_t buf[4096];
  __wasi_size_t used = 0;
  MUST("fd_readdir", __wasi_fd_readdir(fd, buf, sizeof buf, cookie, &used));
  if (used == sizeof buf) die("listing does not fit", 0);
  return parse(buf, used, out, MAXE);
}

static int byname(const void *a, const void *b) { return strcmp(((const ent_t *)a)->name, ((const ent_t *)b)->name); }

static void print_sorted(ent_t *e, int n, const char *label) {
  ent_t copy[MAXE];
  memcpy(copy, e, n * sizeof *e);
  qsort(copy, n, sizeof *copy, byname);
  printf("%s (%d):", label, n);
  for (int i = 0; i < n; i++) printf(" %s:%s", copy[i].name, ftname(copy[i].type));
  printf("\n");
}

int main(void) {
  MUST("mkdir", __wasi_path_create_directory(SANDBOX, "rd"));
  make_file(SANDBOX, "rd/a", "1");
  make_file(SANDBOX, "rd/bb", "22");
  make_file(SANDBOX, "rd/ccc", "333");
  MUST("mkdir sub", __wasi_path_create_directory(SANDBOX, "rd/sub"));
  MUST("symlink", __wasi_path_symlink("a", SANDBOX, "rd/lnk"));
  MUST("mkdir empty", __wasi_path_create_directory(SANDBOX, "empty"));
  __wasi_fd_t fd;
  MUST("open rd", open_at(SANDBOX, "rd", __WASI_OFLAGS_DIRECTORY, 0, &fd));

  ent_t all[MAXE];
  int n = list(fd, __WASI_DIRCOOKIE_START, all);
  print_sorted(all, n, "listing");

  /* d_ino against path_filestat_get for the named entries. */
  int ino_ok = 1;
  for (int i = 0; i < n; i++) {
    if (!strcmp(all[i].name, ".") || !strcmp(all[i].name, "..")) continue;
    __wasi_filestat_t st;
    char path[80];
    snprintf(path, sizeof path, "rd/%s", all[i].name);
    MUST("stat entry", stat_at(SANDBOX, path, 0, &st));
    if (st.ino != all[i].ino) ino_ok = 0;
  }
  printf("d_ino matches path_filestat_get: %s\n", ino_ok ? "yes" : "no");

  /* Resuming from each cookie lists the rest, in the same order. */
  int resume_ok = 1;
  for (int i = 0; i < n; i++) {
    ent_t rest[MAXE];
    int m = list(fd, all[i].next, rest);
    if (m != n - i - 1) resume_ok = 0;
    for (int j = 0; j < m && resume_ok; j++)
      if (strcmp(rest[j].name, all[i + 1 + j].name) || rest[j].next != all[i + 1 + j].next) resume_ok = 0;
  }
  printf("resume from every d_next: %s\n", resume_ok ? "yes" : "no");
  printf("last d_next gives nothing more: %s\n", n > 0 && list(fd, all[n - 1].next, (ent_t[MAXE]){0}) == 0 ? "yes" : "no");
  /* Cookies are distinct. */
  int distinct = 1;
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++)
      if (all[i].next == all[j].next) distinct = 0;
  printf("d_next cookies distinct: %s\n", distinct ? "yes" : "no");

  /* Tiny buffers. */
  uint8_t small[64];
  __wasi_size_t used = 0;
  int e = __wasi_fd_readdir(fd, small, 10, 0, &used);
  printf("buf_len=10: errno=%d bufused=%u\n", e, (unsigned)used);
  e = __wasi_fd_readdir(fd, small, 24, 0, &used);
  printf("buf_len=24 (header only): errno=%d bufused=%u\n", e, (unsigned)used);
  e = __wasi_fd_readdir(fd, small, 0, 0, &used);
  printf("buf_len=0: errno=%d bufused=%u\n", e, (unsigned)used);

  /* Small-buffer loop: keep the complete entries, resume after the last one. */
  ent_t got[MAXE];
  int g = 0;
  __wasi_dircookie_t cookie = 0;
  for (int guard = 0; guard < 100; guard++) {
    uint8_t buf[40]; /* room for one header and a short name */
    MUST("small readdir", __wasi_fd_readdir(fd, buf, sizeof buf, cookie, &used));
    int k = parse(buf, used, got + g, MAXE - g);
    if (k == 0) break;
    cookie = got[g + k - 1].next;
    g += k;
    if (used < sizeof buf) break;
  }
  print_sorted(got, g, "40-byte buffer loop");

  /* A new file shows up in a fresh listing. */
  make_file(SANDBOX, "rd/new", "");
  n = list(fd, 0, all);
  print_sorted(all, n, "after creating new");
  MUST("unlink", __wasi_path_unlink_file(SANDBOX, "rd/bb"));
  n = list(fd, 0, all);
  print_sorted(all, n, "after unlinking bb");

  __wasi_fd_t efd;
  MUST("open empty", open_at(SANDBOX, "empty", __WASI_OFLAGS_DIRECTORY, 0, &efd));
  n = list(efd, 0, all);
  print_sorted(all, n, "empty dir");

  __wasi_fd_t ffd;
  MUST("open file", open_at(SANDBOX, "rd/a", 0, 0, &ffd));
  report("fd_readdir on a file", __wasi_fd_readdir(ffd, small, sizeof small, 0, &used));
  return 0;
}
