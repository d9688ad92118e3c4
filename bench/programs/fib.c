/* fib: naive doubly-recursive Fibonacci.
 * Stresses: direct calls, call/return overhead, small i32 arithmetic. */
#include <stdio.h>

static unsigned fib(unsigned n) {
    if (n < 2) return n;
    return fib(n - 1) + fib(n - 2);
}

int main(void) {
    /* volatile so the compiler cannot constant-fold the call tree */
    volatile unsigned n = 41;
    unsigned r = fib(n);
    printf("fib %u\n", r);
    return 0;
}
