/*
 * environ_sizes_get / environ_get: count, buffer size in UTF-8 bytes, and each
 * "KEY=VALUE" string exactly (empty values and non-ASCII keys/values
 * included). Printed sorted, since hosts need not keep insertion order.
 * Also libc's getenv on top of it.
 */
#include "common.h"

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(void) {
  __wasi_size_t n = 0, bufsize = 0;
  MUST("environ_sizes_get", __wasi_environ_sizes_get(&n, &bufsize));
  printf("count=%u bufsize=%u\n", (unsigned)n, (unsigned)bufsize);
  char **env = calloc(n + 1, sizeof *env);
  uint8_t *buf = malloc(bufsize + 1);
  MUST("environ_get", __wasi_environ_get((uint8_t **)env, buf));
  size_t total = 0;
  for (__wasi_size_t i = 0; i < n; i++) total += strlen(env[i]) + 1;
  printf("sum of lengths+NULs matches bufsize: %s\n", total == bufsize ? "yes" : "no");
  qsort(env, n, sizeof *env, cmp);
  for (__wasi_size_t i = 0; i < n; i++) printf("env len=%u [%s]\n", (unsigned)strlen(env[i]), env[i]);
  const char *keys[] = {"PLAIN", "EMPTY", "CL\xc3\x89", "MISSING"};
  for (int i = 0; i < 4; i++) {
    const char *v = getenv(keys[i]);
    printf("getenv(%s)=%s%s%s\n", keys[i], v ? "[" : "", v ? v : "NULL", v ? "]" : "");
  }
  return 0;
}
