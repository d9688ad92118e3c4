/* quicksort: in-place quicksort (median-of-three, insertion sort for small
 * ranges, recursion on the smaller side) of LCG-generated ints, repeated.
 * Stresses: i32 compares/branches, unpredictable control flow, swaps, recursion. */
#include <stdio.h>
#include <stdlib.h>
#include "scale.h"

#define N 1000000
#define ROUNDS 10

static unsigned lcg_state = 42u;

static unsigned lcg(void) {
    lcg_state = lcg_state * 1103515245u + 12345u;
    return lcg_state;
}

static void insertion(int *a, int lo, int hi) {
    for (int i = lo + 1; i <= hi; i++) {
        int v = a[i], j = i - 1;
        while (j >= lo && a[j] > v) { a[j + 1] = a[j]; j--; }
        a[j + 1] = v;
    }
}

static void swap(int *a, int i, int j) { int t = a[i]; a[i] = a[j]; a[j] = t; }

static void qsort_range(int *a, int lo, int hi) {
    while (hi - lo > 16) {
        int mid = lo + (hi - lo) / 2;
        if (a[mid] < a[lo]) swap(a, mid, lo);
        if (a[hi] < a[lo]) swap(a, hi, lo);
        if (a[hi] < a[mid]) swap(a, hi, mid);
        int pivot = a[mid];
        int i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i <= j) { swap(a, i, j); i++; j--; }
        }
        if (j - lo < hi - i) { qsort_range(a, lo, j); lo = i; }
        else { qsort_range(a, i, hi); hi = j; }
    }
    insertion(a, lo, hi);
}

int main(void) {
    int *a = malloc(sizeof(int) * N);
    if (!a) return 1;
    unsigned long long check = 0;
    for (int r = 0, rounds = (int)scaled(ROUNDS); r < rounds; r++) {
        for (int i = 0; i < N; i++) a[i] = (int)(lcg() >> 1) % 10000000 - 5000000;
        qsort_range(a, 0, N - 1);
        for (int i = 1; i < N; i++) {
            if (a[i - 1] > a[i]) { printf("quicksort UNSORTED\n"); return 1; }
        }
        for (int i = 0; i < N; i += 97) check = check * 31u + (unsigned)a[i];
    }
    printf("quicksort %llu\n", check);
    free(a);
    return 0;
}
