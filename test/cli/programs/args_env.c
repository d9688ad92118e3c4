// Prints its arguments and environment, one per line, so tests can check what the CLI hands a guest
// (argv[0] is the module's base name; -env order; -env-inherit). Exits with $EXIT_CODE when set, and
// writes $STDERR_TEXT to stderr when set.
#include <stdio.h>
#include <stdlib.h>

extern char **environ;

int main(int argc, char **argv) {
  for (int i = 0; i < argc; i++) printf("arg[%d]=%s\n", i, argv[i]);
  for (char **e = environ; *e; e++) printf("env %s\n", *e);
  const char *err = getenv("STDERR_TEXT");
  if (err) fprintf(stderr, "%s\n", err);
  const char *code = getenv("EXIT_CODE");
  return code ? atoi(code) : 0;
}
