/* nbody: gravitational N-body simulation in double precision.
 * Stresses: f64 add/mul/div/sqrt, f64 loads/stores, nested loops.
 * Bodies are generated from a fixed-seed xorshift PRNG. */
#include <math.h>
#include <stdio.h>
#include "scale.h"

#define NBODIES 24
#define STEPS 280000
#define DT 0.001

typedef struct { double x, y, z, vx, vy, vz, m; } Body;

static unsigned long long rng_state = 0x9e3779b97f4a7c15ull;

static unsigned long long xorshift64(void) {
    unsigned long long x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

/* uniform double in [-1, 1) */
static double rnd(void) {
    return (double)(xorshift64() >> 11) * (1.0 / 4503599627370496.0) - 1.0;
}

static Body bodies[NBODIES];

static void init(void) {
    for (int i = 0; i < NBODIES; i++) {
        Body *b = &bodies[i];
        b->x = rnd() * 10.0; b->y = rnd() * 10.0; b->z = rnd() * 10.0;
        b->vx = rnd() * 0.5; b->vy = rnd() * 0.5; b->vz = rnd() * 0.5;
        b->m = 0.5 + (rnd() + 1.0);
    }
    /* zero total momentum */
    double px = 0, py = 0, pz = 0, mt = 0;
    for (int i = 0; i < NBODIES; i++) {
        px += bodies[i].vx * bodies[i].m;
        py += bodies[i].vy * bodies[i].m;
        pz += bodies[i].vz * bodies[i].m;
        mt += bodies[i].m;
    }
    for (int i = 0; i < NBODIES; i++) {
        bodies[i].vx -= px / mt;
        bodies[i].vy -= py / mt;
        bodies[i].vz -= pz / mt;
    }
}

static void step(double dt) {
    for (int i = 0; i < NBODIES; i++) {
        Body *a = &bodies[i];
        for (int j = i + 1; j < NBODIES; j++) {
            Body *b = &bodies[j];
            double dx = a->x - b->x, dy = a->y - b->y, dz = a->z - b->z;
            double d2 = dx * dx + dy * dy + dz * dz + 0.01; /* softening */
            double d = sqrt(d2);
            double mag = dt / (d2 * d);
            a->vx -= dx * b->m * mag; a->vy -= dy * b->m * mag; a->vz -= dz * b->m * mag;
            b->vx += dx * a->m * mag; b->vy += dy * a->m * mag; b->vz += dz * a->m * mag;
        }
    }
    for (int i = 0; i < NBODIES; i++) {
        Body *b = &bodies[i];
        b->x += dt * b->vx; b->y += dt * b->vy; b->z += dt * b->vz;
    }
}

static double energy(void) {
    double e = 0.0;
    for (int i = 0; i < NBODIES; i++) {
        Body *a = &bodies[i];
        e += 0.5 * a->m * (a->vx * a->vx + a->vy * a->vy + a->vz * a->vz);
        for (int j = i + 1; j < NBODIES; j++) {
            Body *b = &bodies[j];
            double dx = a->x - b->x, dy = a->y - b->y, dz = a->z - b->z;
            e -= a->m * b->m / sqrt(dx * dx + dy * dy + dz * dz + 0.01);
        }
    }
    return e;
}

int main(void) {
    init();
    double e0 = energy();
    for (int s = 0, steps = (int)scaled(STEPS); s < steps; s++) step(DT);
    double e1 = energy();
    printf("nbody %.9f %.9f\n", e0, e1);
    return 0;
}
