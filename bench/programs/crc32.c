/* crc32: table-driven CRC-32 (reflected, polynomial 0xEDB88320) over a
 * generated buffer, repeated. Stresses: byte loads, i32 table lookups,
 * xor/shift, a tight loop-carried dependency. */
#include <stdio.h>
#include <stdlib.h>
#include "scale.h"

#define BUF_SIZE (1u << 20)
#define ROUNDS 300

typedef unsigned int u32;

static u32 table[256];

static void make_table(void) {
    for (u32 i = 0; i < 256; i++) {
        u32 c = i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
}

static u32 crc32(u32 crc, const unsigned char *p, u32 len) {
    crc = ~crc;
    for (u32 i = 0; i < len; i++) crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

int main(void) {
    make_table();
    /* sanity: CRC-32 of "123456789" is 0xcbf43926 */
    if (crc32(0, (const unsigned char *)"123456789", 9) != 0xcbf43926u) {
        printf("crc32 SELFTEST-FAILED\n");
        return 1;
    }
    unsigned char *buf = malloc(BUF_SIZE);
    if (!buf) return 1;
    u32 x = 88172645u;
    for (u32 i = 0; i < BUF_SIZE; i++) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        buf[i] = (unsigned char)(x >> 7);
    }
    u32 crc = 0;
    for (int r = 0, rounds = (int)scaled(ROUNDS); r < rounds; r++) crc = crc32(crc, buf + (r & 15), BUF_SIZE - 16);
    printf("crc32 %08x\n", crc);
    free(buf);
    return 0;
}
