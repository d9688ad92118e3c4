// Runs file-system operations given as arguments, in order, printing what each did:
//   write PATH TEXT | append PATH TEXT | cat PATH | mkdir PATH | rm PATH | rmdir PATH | mv FROM TO | ls DIR
// The first failure is reported on stderr ("OP PATH: REASON") and ends the program with status 1.
// Tests use it to check mounts, read-only mounts and -overlay (the guest's changes stay in memory).
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(const char *op, const char *path) {
  fprintf(stderr, "%s %s: %s\n", op, path, strerror(errno));
  return 1;
}

static int cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ls(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return fail("ls", dir);
  char *names[256];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 256) {
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof *names, cmp);
  printf("ls %s:", dir);
  for (int i = 0; i < n; i++) {
    printf(" %s", names[i]);
    free(names[i]);
  }
  printf("\n");
  return 0;
}

static int put(const char *path, const char *text, const char *mode) {
  FILE *f = fopen(path, mode);
  if (!f) return fail(mode[0] == 'a' ? "append" : "write", path);
  fputs(text, f);
  if (fclose(f)) return fail("close", path);
  printf("%s %s\n", mode[0] == 'a' ? "appended" : "wrote", path);
  return 0;
}

static int show(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return fail("cat", path);
  char buf[1024];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = 0;
  fclose(f);
  printf("cat %s: %s\n", path, buf);
  return 0;
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    const char *op = argv[i];
    const char *a = i + 1 < argc ? argv[i + 1] : "";
    const char *b = i + 2 < argc ? argv[i + 2] : "";
    int r;
    if (!strcmp(op, "write")) r = put(a, b, "w"), i += 2;
    else if (!strcmp(op, "append")) r = put(a, b, "a"), i += 2;
    else if (!strcmp(op, "cat")) r = show(a), i++;
    else if (!strcmp(op, "mkdir")) r = mkdir(a, 0755) ? fail(op, a) : printf("made %s\n", a) < 0, i++;
    else if (!strcmp(op, "rm")) r = unlink(a) ? fail(op, a) : printf("removed %s\n", a) < 0, i++;
    else if (!strcmp(op, "rmdir")) r = rmdir(a) ? fail(op, a) : printf("removed dir %s\n", a) < 0, i++;
    else if (!strcmp(op, "mv")) r = rename(a, b) ? fail(op, a) : printf("moved %s to %s\n", a, b) < 0, i += 2;
    else if (!strcmp(op, "ls")) r = ls(a), i++;
    else {
      fprintf(stderr, "unknown op %s\n", op);
      return 2;
    }
    if (r) return 1;
  }
  return 0;
}
