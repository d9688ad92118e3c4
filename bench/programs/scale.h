/* The work scale of a benchmark program. By default (and natively) it is 1: the full problem. A
 * harness may call the exported bench_scale(S) after instantiating and before _start to divide the
 * work by about S, for runs where the full size takes too long (the interpreter under
 * node --jitless, profiling). Each program divides its round/step count by S (at least 1 round);
 * see README.md. The checksum then differs from expected.txt. */
static unsigned bench_scale_div = 1;

#ifdef __wasm__
__attribute__((export_name("bench_scale")))
#endif
void bench_scale(unsigned s) { bench_scale_div = s ? s : 1; }

/* n divided by the scale, at least 1. */
static inline unsigned scaled(unsigned n) {
    unsigned r = n / bench_scale_div;
    return r ? r : 1;
}
