/*
 * random_get: a zero-length request succeeds and writes nothing; a large
 * (1 MiB) buffer is filled (not left as the 0xAA canary, many distinct byte
 * values); two successive 32-byte requests differ.
 * (A buffer running past the end of memory is not tested: wasmtime traps,
 * node:wasi returns EOVERFLOW, others EFAULT.)
 */
#include "common.h"

int main(void) {
  uint8_t small[8];
  memset(small, 0xAA, sizeof small);
  report("random_get len=0", __wasi_random_get(small, 0));
  int untouched = 1;
  for (int i = 0; i < 8; i++) if (small[i] != 0xAA) untouched = 0;
  printf("len=0 left buffer untouched: %s\n", untouched ? "yes" : "no");

  size_t big = 1 << 20;
  uint8_t *buf = malloc(big);
  memset(buf, 0xAA, big);
  report("random_get len=1MiB", __wasi_random_get(buf, big));
  int seen[256] = {0};
  size_t canary = 0;
  for (size_t i = 0; i < big; i++) { seen[buf[i]] = 1; if (buf[i] == 0xAA) canary++; }
  int distinct = 0;
  for (int i = 0; i < 256; i++) distinct += seen[i];
  printf("1MiB: distinct byte values >= 200: %s\n", distinct >= 200 ? "yes" : "no");
  printf("1MiB: canary bytes < 1%%: %s\n", canary < big / 100 ? "yes" : "no");
  /* The tail was written too, not just a prefix. */
  size_t tail_canary = 0;
  for (size_t i = big - 4096; i < big; i++) if (buf[i] == 0xAA) tail_canary++;
  printf("1MiB: last 4KiB filled: %s\n", tail_canary < 100 ? "yes" : "no");

  uint8_t a[32], b[32];
  MUST("random a", __wasi_random_get(a, 32));
  MUST("random b", __wasi_random_get(b, 32));
  printf("two 32-byte reads differ: %s\n", memcmp(a, b, 32) ? "yes" : "no");
  return 0;
}
