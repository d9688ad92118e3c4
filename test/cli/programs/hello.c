// The smallest useful WASI program: one line to stdout. The CLI benchmark's guest (bench/cli.ts) and
// the subject of the startup measurements.
#include <stdio.h>

int main(void) {
  puts("hello world");
  return 0;
}
