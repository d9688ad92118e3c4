// Checks the host resources the CLI wires: sleeps $SLEEP_MS milliseconds (default 20) and prints
// whether the monotonic clock saw the time pass, whether the wall clock is after 2023 (the fake one
// stays at 2022-01-01), and whether two 16-byte random draws differ (they would not from a fixed
// seed across runs, so the test compares two runs).
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

int main(void) {
  const char *ms_env = getenv("SLEEP_MS");
  long ms = ms_env ? atol(ms_env) : 20;
  struct timespec t0, t1, wall;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  usleep(ms * 1000);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  clock_gettime(CLOCK_REALTIME, &wall);
  long elapsed = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
  printf("slept_enough=%d\n", elapsed >= ms);
  printf("wall_after_2023=%d\n", wall.tv_sec > 1672531200);
  unsigned char r[16];
  getentropy(r, sizeof r);
  for (int i = 0; i < 16; i++) printf("%02x", r[i]);
  printf("\n");
  return 0;
}
