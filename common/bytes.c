#include "bytes.h"

#include <stdatomic.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "banned.h"

int bytes_cmp(const void *a, size_t alen, const void *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);
	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}

void bytes_hex(char *out, const void *p, size_t n)
{
	static const char digit[] = "0123456789abcdef";
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digit[b[i] >> 4];
		out[2 * i + 1] = digit[b[i] & 15];
	}
	out[2 * n] = '\0';
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define PAIR_AVX2 1
/* Thirty-two places at a time, where the CPU has AVX2 (checked once, at the first call). Returns
 * the place or NULL, and the first place it did not look at in *next. */
__attribute__((target("avx2"))) static const char *pair_avx2(const char *h, size_t last, const char *lit, size_t m,
							     size_t r1, size_t r2, size_t *next)
{
	const __m256i b1 = _mm256_set1_epi8(lit[r1]), b2 = _mm256_set1_epi8(lit[r2]);
	size_t i = 0;
	for (; i + 31 <= last; i += 32) { /* loads end at i + r + 31 <= last + r < n */
		__m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(h + i + r1));
		__m256i y = _mm256_loadu_si256((const __m256i *)(const void *)(h + i + r2));
		unsigned mask = (unsigned)_mm256_movemask_epi8(
			_mm256_and_si256(_mm256_cmpeq_epi8(x, b1), _mm256_cmpeq_epi8(y, b2)));
		for (; mask; mask &= mask - 1) {
			size_t k = i + (size_t)__builtin_ctz(mask);
			if (!memcmp(h + k, lit, m))
				return h + k;
		}
	}
	*next = i;
	return NULL;
}
#endif

/* Thirty-two places at a time with AVX2, sixteen with SSE2 (every x86-64), one otherwise. */
const char *bytes_find_pair(const char *h, size_t n, const char *lit, size_t m, size_t r1, size_t r2)
{
	if (n < m)
		return NULL;
	size_t last = n - m, i = 0; /* the last place it can start */
#if defined(PAIR_AVX2)
	static atomic_int avx2 = -1; /* every thread that asks computes the same answer */
	int has = atomic_load_explicit(&avx2, memory_order_relaxed);
	if (has < 0) {
		has = __builtin_cpu_supports("avx2") ? 1 : 0;
		atomic_store_explicit(&avx2, has, memory_order_relaxed);
	}
	if (has) {
		const char *p = pair_avx2(h, last, lit, m, r1, r2, &i);
		if (p)
			return p;
	}
#endif
#if defined(__SSE2__)
	const __m128i b1 = _mm_set1_epi8(lit[r1]), b2 = _mm_set1_epi8(lit[r2]);
	for (; i + 15 <= last; i += 16) { /* loads end at i + r + 15 <= last + r < n */
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(h + i + r1));
		__m128i y = _mm_loadu_si128((const __m128i *)(const void *)(h + i + r2));
		unsigned mask =
			(unsigned)_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(x, b1), _mm_cmpeq_epi8(y, b2)));
		for (; mask; mask &= mask - 1) {
			size_t k = i + (size_t)__builtin_ctz(mask);
			if (!memcmp(h + k, lit, m))
				return h + k;
		}
	}
#endif
	for (; i <= last; i++)
		if (h[i + r1] == lit[r1] && h[i + r2] == lit[r2] && !memcmp(h + i, lit, m))
			return h + i;
	return NULL;
}

size_t bytes_count(const char *h, size_t n, char c)
{
	size_t count = 0, i = 0;
#if defined(__SSE2__)
	const __m128i want = _mm_set1_epi8(c), zero = _mm_setzero_si128();
	while (i + 16 <= n) {
		/* up to 255 rounds of per-lane counts (a match is -1), then summed across the lanes */
		__m128i acc = zero;
		for (int r = 0; r < 255 && i + 16 <= n; r++, i += 16) {
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(h + i));
			acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(x, want));
		}
		__m128i sums = _mm_sad_epu8(acc, zero);
		count += (size_t)_mm_cvtsi128_si32(sums) + (size_t)_mm_cvtsi128_si32(_mm_srli_si128(sums, 8));
	}
#endif
	for (; i < n; i++)
		count += h[i] == c;
	return count;
}
