/*
 * proc_exit: the code given in the environment variable EXIT_CODE (default 0)
 * ends the program at once: the line after the call is never printed. With
 * EXIT_MODE=return the code is returned from main instead (wasi-libc then
 * calls proc_exit itself unless the code is 0).
 */
#include "common.h"

int main(void) {
  const char *s = getenv("EXIT_CODE");
  const char *mode = getenv("EXIT_MODE");
  int code = s ? atoi(s) : 0;
  printf("exiting with %d\n", code);
  fflush(stdout);
  if (mode && strcmp(mode, "return") == 0) return code;
  __wasi_proc_exit(code);
  printf("unreachable: still running after proc_exit\n");
  return 99;
}
