/* matmul: dense f64 matrix multiply (i-k-j loop order), repeated.
 * Stresses: f64 mul/add, f64 loads/stores with strided addressing, loop nests. */
#include <stdio.h>
#include <stdlib.h>
#include "scale.h"

#define N 200
#define ROUNDS 90

static unsigned lcg_state = 12345u;

static unsigned lcg(void) {
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state;
}

static void matmul(const double *a, const double *b, double *c, int n) {
    for (int i = 0; i < n * n; i++) c[i] = 0.0;
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < n; k++) {
            double aik = a[i * n + k];
            const double *brow = &b[k * n];
            double *crow = &c[i * n];
            for (int j = 0; j < n; j++) crow[j] += aik * brow[j];
        }
    }
}

int main(void) {
    double *a = malloc(sizeof(double) * N * N);
    double *b = malloc(sizeof(double) * N * N);
    double *c = malloc(sizeof(double) * N * N);
    if (!a || !b || !c) return 1;
    for (int i = 0; i < N * N; i++) {
        a[i] = (double)(lcg() >> 16) / 65536.0 - 0.5;
        b[i] = (double)(lcg() >> 16) / 65536.0 - 0.5;
    }
    double sum = 0.0;
    for (int r = 0, rounds = (int)scaled(ROUNDS); r < rounds; r++) {
        matmul(a, b, c, N);
        /* feed the result back in (scaled) so each round depends on the last */
        double trace = 0.0;
        for (int i = 0; i < N; i++) trace += c[i * N + i];
        sum += trace;
        for (int i = 0; i < N * N; i++) a[i] = c[i] * (1.0 / 16.0) + b[i] * 0.25;
    }
    double total = 0.0;
    for (int i = 0; i < N * N; i++) total += c[i];
    printf("matmul %.9e %.9e\n", sum, total);
    free(a); free(b); free(c);
    return 0;
}
