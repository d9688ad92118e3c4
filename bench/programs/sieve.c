/* sieve: sieve of Eratosthenes over a large byte array, repeated.
 * Stresses: i32 loads/stores (byte-sized), tight loops, bounds of linear memory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "scale.h"

#define LIMIT 4000000u
#define ROUNDS 40

static unsigned sieve(unsigned char *composite, unsigned limit) {
    memset(composite, 0, limit + 1);
    composite[0] = composite[1] = 1;
    for (unsigned i = 2; (unsigned long long)i * i <= limit; i++) {
        if (!composite[i]) {
            for (unsigned j = i * i; j <= limit; j += i) composite[j] = 1;
        }
    }
    unsigned count = 0;
    for (unsigned i = 0; i <= limit; i++) count += !composite[i];
    return count;
}

int main(void) {
    unsigned char *buf = malloc(LIMIT + 1);
    if (!buf) return 1;
    unsigned long long total = 0;
    for (int r = 0, rounds = (int)scaled(ROUNDS); r < rounds; r++) {
        /* vary the limit slightly each round so no round is redundant */
        unsigned limit = LIMIT - (unsigned)r * 997u;
        total = total * 31u + sieve(buf, limit);
    }
    printf("sieve %llu\n", total);
    free(buf);
    return 0;
}
