/*
 * prng: the project's own deterministic generator (xoshiro256** seeded through splitmix64).
 * Same seed, same sequence, on every machine: fixtures depend on it, so its output is pinned by
 * known-answer tests (tests/unit/test_prng.c). Never replace it with rand() or seed it from a clock.
 *
 *   struct prng r; prng_init(&r, seed); uint64_t x = prng_next(&r); unsigned k = prng_below(&r, 10);
 */
#ifndef PRNG_H
#define PRNG_H

#include <stdint.h>

struct prng {
	uint64_t s[4];
};

void prng_init(struct prng *r, uint64_t seed);
uint64_t prng_next(struct prng *r);
/* Uniform in [0, n) for n >= 1 (Lemire's multiply-shift with rejection, so no modulo bias). */
uint32_t prng_below(struct prng *r, uint32_t n);
/* Uniform in [lo, hi]. */
uint32_t prng_range(struct prng *r, uint32_t lo, uint32_t hi);
/* Derive an independent seed for sub-stream `index` of `seed` (used for per-file generators). */
uint64_t prng_derive(uint64_t seed, uint64_t index);

#endif
