/* memops: memcpy/memset/memmove-heavy workload over buffers of many sizes.
 * Built twice: plain (libc memcpy/memset loops compiled to wasm) and with
 * -mbulk-memory (calls lowered to memory.copy / memory.fill).
 * Stresses: memory copy/fill throughput for small, medium and large sizes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA (1u << 20)
#define ROUNDS 40

static unsigned rng = 0x1234567u;

static unsigned next(void) {
    rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5;
    return rng;
}

/* pick a size: mostly small, some medium, a few large */
static unsigned pick_size(void) {
    unsigned r = next();
    switch (r & 7) {
    case 0: case 1: case 2: case 3: return 1 + (r >> 8) % 64;     /* 1..64 */
    case 4: case 5: return 64 + (r >> 8) % 4032;                    /* 64..4095 */
    case 6: return 4096 + (r >> 8) % 61440;                         /* 4K..64K */
    default: return 65536 + (r >> 8) % 196608;                      /* 64K..256K */
    }
}

int main(void) {
    unsigned char *a = malloc(ARENA);
    unsigned char *b = malloc(ARENA);
    if (!a || !b) return 1;
    for (unsigned i = 0; i < ARENA; i++) a[i] = (unsigned char)(i * 2654435761u >> 24);
    memset(b, 0, ARENA);
    unsigned long long sum = 0;
    for (int r = 0; r < ROUNDS; r++) {
        for (int op = 0; op < 20000; op++) {
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
