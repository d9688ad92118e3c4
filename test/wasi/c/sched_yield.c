/* sched_yield succeeds (and keeps succeeding). */
#include "common.h"

int main(void) {
  report("sched_yield", __wasi_sched_yield());
  int ok = 1;
  for (int i = 0; i < 100; i++)
    if (__wasi_sched_yield() != 0) ok = 0;
  printf("100 more: %s\n", ok ? "ok" : "failed");
  return 0;
}
