/* fib: naive doubly-recursive Fibonacci.
 * Stresses: direct calls, call/return overhead, small i32 arithmetic. */
#include <stdio.h>
#include "scale.h"

static unsigned fib(unsigned n) {
    if (n < 2) return n;
    return fib(n - 1) + fib(n - 2);
}

int main(void) {
    /* volatile so the compiler cannot constant-fold the call tree */
    volatile unsigned n = 41;
    /* fib(n - 1) does 1/phi of fib(n)'s work: drop n by log_phi(scale) */
    for (unsigned w = 1000; w * 1618 / 1000 <= bench_scale_div * 1000; w = w * 1618 / 1000) n = n - 1;
    unsigned r = fib(n);
    printf("fib %u\n", r);
    return 0;
}
