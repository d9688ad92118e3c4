/*
 * args_sizes_get / args_get: argc, the byte size of the argument buffer
 * (UTF-8 bytes, each argument NUL-terminated), and every argument exactly,
 * including empty strings and non-ASCII text. Arguments are printed between
 * brackets with their byte length so an empty or truncated one shows.
 */
#include "common.h"

int main(void) {
  __wasi_size_t argc = 0, bufsize = 0;
  MUST("args_sizes_get", __wasi_args_sizes_get(&argc, &bufsize));
  printf("argc=%u bufsize=%u\n", (unsigned)argc, (unsigned)bufsize);
  uint8_t **argv = calloc(argc + 1, sizeof *argv);
  uint8_t *buf = malloc(bufsize + 1);
  MUST("args_get", __wasi_args_get(argv, buf));
  size_t total = 0;
  for (__wasi_size_t i = 0; i < argc; i++) {
    size_t len = strlen((char *)argv[i]);
    total += len + 1;
    printf("argv[%u] len=%u [%s]\n", (unsigned)i, (unsigned)len, (char *)argv[i]);
  }
  /* The strings are packed back to back in the buffer, in order. */
  int packed = argc == 0 || (argv[0] == buf);
  for (__wasi_size_t i = 1; i < argc; i++)
    if (argv[i] != argv[i - 1] + strlen((char *)argv[i - 1]) + 1) packed = 0;
  printf("sum of lengths+NULs matches bufsize: %s\n", total == bufsize ? "yes" : "no");
  printf("packed in order: %s\n", packed ? "yes" : "no");
  return 0;
}
