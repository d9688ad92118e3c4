/* memops: memcpy/memset/memmove-heavy workload over buffers of many sizes.
 * Built twice: plain (libc memcpy/memset loops compiled to wasm) and with
 * -mbulk-memory (calls lowered to memory.copy / memory.fill).
 * Stresses: memory copy/fill throughput for small, medium and large sizes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "scale.h"

#define ARENA (1u << 20)
#define ROUNDS 40
#define OPS 262144

static unsigned rng = 0x1234567u;

static unsigned next(void) {
    rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5;
    return rng;
}

/* pick a size: mostly small (struct-sized) copies, a good share of medium
 * ones, and a few large block moves. By operation count: ~65% 1..64 B,
 * ~32% 64 B..1 KiB, ~2.7% 1..16 KiB, ~0.24% 16..64 KiB, ~0.06% 64..256 KiB. */
static unsigned pick_size(void) {
    unsigned cls = next() & 0xffff;
    unsigned r = next();
    if (cls < 42600) return 1 + r % 64;
    if (cls < 63570) return 64 + r % 960;
    if (cls < 65340) return 1024 + r % 15360;
    if (cls < 65497) return 16384 + r % 49152;
    return 65536 + r % 196608;
}

int main(void) {
    unsigned char *a = malloc(ARENA);
    unsigned char *b = malloc(ARENA);
    if (!a || !b) return 1;
    for (unsigned i = 0; i < ARENA; i++) a[i] = (unsigned char)(i * 2654435761u >> 24);
    memset(b, 0, ARENA);
    unsigned long long sum = 0;
    for (int r = 0, rounds = (int)scaled(ROUNDS); r < rounds; r++) {
        for (int op = 0; op < OPS; op++) {
            unsigned n = pick_size();
            unsigned src = next() % (ARENA - n);
            unsigned dst = next() % (ARENA - n);
            switch (next() % 4) {
            case 0: memcpy(b + dst, a + src, n); break;
            case 1: memcpy(a + dst, b + src, n); break;
            case 2: memset(b + dst, (int)(op & 0xff), n); break;
            default: memmove(a + dst, a + src, n); break;
            }
            /* touch a couple of bytes so the work is observable */
            sum += (unsigned)b[dst] + (unsigned)a[dst + n - 1];
        }
        /* sparse checksum over both arenas */
        for (unsigned i = (unsigned)r; i < ARENA; i += 4099) sum = sum * 1099511628211ull + a[i] + 3u * b[i];
    }
    printf("memops %llu\n", sum);
    free(a); free(b);
    return 0;
}
