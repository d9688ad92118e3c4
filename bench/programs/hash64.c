/* hash64: a 64-bit multiply/rotate/xor hash in the style of xxHash64
 * (4 parallel lanes, 32-byte stripes, avalanche finalizer), repeated over a
 * generated buffer. Own constants and structure; not an xxHash implementation.
 * Stresses: i64 mul/rotl/xor/shr/add, i64 loads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "scale.h"

#define BUF_SIZE (1u << 20)
#define ROUNDS 1200

typedef unsigned long long u64;

#define P1 0x9e3779b185ebca87ull
#define P2 0xc2b2ae3d27d4eb4full
#define P3 0x165667b19e3779f9ull
#define P4 0xff51afd7ed558ccdull

static u64 rotl64(u64 x, int r) { return (x << r) | (x >> (64 - r)); }

static u64 load64(const unsigned char *p) {
    u64 v;
    memcpy(&v, p, 8); /* little-endian on both wasm32 and x86-64 */
    return v;
}

static u64 lane(u64 acc, u64 in) {
    acc += in * P2;
    acc = rotl64(acc, 31);
    return acc * P1;
}

static u64 hash64(const unsigned char *p, size_t len, u64 seed) {
    const unsigned char *end = p + len;
    u64 a = seed + P1 + P2, b = seed + P2, c = seed, d = seed - P1;
    while ((size_t)(end - p) >= 32) {
        a = lane(a, load64(p));
        b = lane(b, load64(p + 8));
        c = lane(c, load64(p + 16));
        d = lane(d, load64(p + 24));
        p += 32;
    }
    u64 h = rotl64(a, 1) + rotl64(b, 7) + rotl64(c, 12) + rotl64(d, 18);
    h ^= lane(0, a) * P3;
    h ^= lane(0, d) * P4;
    h += (u64)len;
    while ((size_t)(end - p) >= 8) {
        h ^= lane(0, load64(p));
        h = rotl64(h, 27) * P1 + P4;
        p += 8;
    }
    while (p < end) {
        h ^= (u64)(*p++) * P3;
        h = rotl64(h, 11) * P1;
    }
    h ^= h >> 33; h *= P2;
    h ^= h >> 29; h *= P3;
    h ^= h >> 32;
    return h;
}

int main(void) {
    unsigned char *buf = malloc(BUF_SIZE);
    if (!buf) return 1;
    u64 s = 0x243f6a8885a308d3ull; /* splitmix-like generator */
    for (unsigned i = 0; i < BUF_SIZE; i += 8) {
        s += 0x9e3779b97f4a7c15ull;
        u64 z = s;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        z ^= z >> 31;
        memcpy(buf + i, &z, 8);
    }
    u64 acc = 0;
    for (int r = 0, rounds = (int)scaled(ROUNDS); r < rounds; r++) {
        /* vary offset/length so the tail paths run too */
        size_t off = (size_t)(r % 5);
        size_t len = BUF_SIZE - off - (size_t)(r % 13);
        acc = hash64(buf + off, len, acc);
    }
    printf("hash64 %016llx\n", acc);
    free(buf);
    return 0;
}
