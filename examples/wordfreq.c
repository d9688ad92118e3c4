// wordfreq: counts words in the files named on the command line (or stdin when none) and prints the
// most frequent ones. A small real WASI program for wasmbox's quick start: it reads files from a
// mounted directory, writes to stdout and stderr, and exits with a status.
//
//   wasmbox run -mount=examples:/data examples/wordfreq.wasm -- /data/sample.txt
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOP 10

struct entry {
  char *word;
  unsigned count;
};

static struct entry *table;
static size_t cap, used;

static unsigned long hash(const char *s) {
  unsigned long h = 5381;
  while (*s) h = h * 33 + (unsigned char)*s++;
  return h;
}

static void grow(void);

static void add(const char *w) {
  if ((used + 1) * 2 > cap) grow();
  size_t i = hash(w) & (cap - 1);
  while (table[i].word) {
    if (strcmp(table[i].word, w) == 0) {
      table[i].count++;
      return;
    }
    i = (i + 1) & (cap - 1);
  }
  table[i].word = strdup(w);
  table[i].count = 1;
  used++;
}

static void grow(void) {
  struct entry *old = table;
  size_t oldcap = cap;
  cap = cap ? cap * 2 : 1024;
  table = calloc(cap, sizeof *table);
  used = 0;
  for (size_t i = 0; i < oldcap; i++) {
    if (old[i].word) {
      size_t j = hash(old[i].word) & (cap - 1);
      while (table[j].word) j = (j + 1) & (cap - 1);
      table[j] = old[i];
      used++;
    }
  }
  free(old);
}

static unsigned long total;

static void count(FILE *f) {
  char word[128];
  size_t n = 0;
  int c;
  while ((c = fgetc(f)) != EOF) {
    if (isalpha(c) || (c == '\'' && n > 0)) {
      if (n < sizeof word - 1) word[n++] = (char)tolower(c);
    } else if (n > 0) {
      word[n] = 0;
      add(word);
      total++;
      n = 0;
    }
  }
  if (n > 0) {
    word[n] = 0;
    add(word);
    total++;
  }
}

static int by_count(const void *a, const void *b) {
  const struct entry *x = a, *y = b;
  if (x->count != y->count) return x->count < y->count ? 1 : -1;
  return strcmp(x->word, y->word);
}

int main(int argc, char **argv) {
  int status = 0;
  if (argc < 2) {
    count(stdin);
  } else {
    for (int i = 1; i < argc; i++) {
      FILE *f = fopen(argv[i], "r");
      if (!f) {
        fprintf(stderr, "wordfreq: %s: %s\n", argv[i], strerror(errno));
        status = 1;
        continue;
      }
      count(f);
      fclose(f);
    }
  }
  struct entry *list = malloc((used ? used : 1) * sizeof *list);
  size_t k = 0;
  for (size_t i = 0; i < cap; i++)
    if (table[i].word) list[k++] = table[i];
  qsort(list, k, sizeof *list, by_count);
  printf("%lu words, %zu distinct\n", total, k);
  for (size_t i = 0; i < k && i < TOP; i++) printf("%7u %s\n", list[i].count, list[i].word);
  return status;
}
