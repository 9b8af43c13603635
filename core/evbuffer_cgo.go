package core

/*
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

// The first occurrence of the m >= 2 bytes at w in the n bytes at p, or -1.
// Candidates are the positions where both the first and the last byte of w
// match, tested 32 (AVX2) or 16 (SSE2) positions at a time with two vector
// compares (W. Mula's "SIMD-friendly" substring search); each candidate is
// then compared with memcmp. A text where w's first byte is common (every
// 200 bytes in English text for 'N'...) costs one branch per 32 bytes, not
// one memchr call per occurrence of the first byte.
#if defined(__x86_64__)
__attribute__((target("avx2")))
static ptrdiff_t gev_search_avx2(const unsigned char *p, size_t n, const unsigned char *w, size_t m) {
	const __m256i first = _mm256_set1_epi8((char)w[0]), last = _mm256_set1_epi8((char)w[m - 1]);
	size_t i = 0;
	for (; i + m - 1 + 32 <= n; i += 32) {
		__m256i a = _mm256_loadu_si256((const __m256i *)(p + i));
		__m256i b = _mm256_loadu_si256((const __m256i *)(p + i + m - 1));
		uint32_t mask = (uint32_t)_mm256_movemask_epi8(_mm256_and_si256(_mm256_cmpeq_epi8(a, first), _mm256_cmpeq_epi8(b, last)));
		while (mask) {
			unsigned k = (unsigned)__builtin_ctz(mask);
			if (memcmp(p + i + k + 1, w + 1, m - 2) == 0)
				return (ptrdiff_t)(i + k);
			mask &= mask - 1;
		}
	}
	for (; i + m <= n; i++)
		if (p[i] == w[0] && p[i + m - 1] == w[m - 1] && memcmp(p + i, w, m) == 0)
			return (ptrdiff_t)i;
	return -1;
}

static ptrdiff_t gev_search_sse2(const unsigned char *p, size_t n, const unsigned char *w, size_t m) {
	const __m128i first = _mm_set1_epi8((char)w[0]), last = _mm_set1_epi8((char)w[m - 1]);
	size_t i = 0;
	for (; i + m - 1 + 16 <= n; i += 16) {
		__m128i a = _mm_loadu_si128((const __m128i *)(p + i));
		__m128i b = _mm_loadu_si128((const __m128i *)(p + i + m - 1));
		uint32_t mask = (uint32_t)_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, first), _mm_cmpeq_epi8(b, last)));
		while (mask) {
			unsigned k = (unsigned)__builtin_ctz(mask);
			if (memcmp(p + i + k + 1, w + 1, m - 2) == 0)
				return (ptrdiff_t)(i + k);
			mask &= mask - 1;
		}
	}
	for (; i + m <= n; i++)
		if (p[i] == w[0] && p[i + m - 1] == w[m - 1] && memcmp(p + i, w, m) == 0)
			return (ptrdiff_t)i;
	return -1;
}

static int gev_have_avx2 = -1;

static ptrdiff_t gev_search(uintptr_t p, size_t n, const void *w, size_t m) {
	if (gev_have_avx2 < 0)
		gev_have_avx2 = __builtin_cpu_supports("avx2") ? 1 : 0;
	if (gev_have_avx2)
		return gev_search_avx2((const unsigned char *)p, n, (const unsigned char *)w, m);
	return gev_search_sse2((const unsigned char *)p, n, (const unsigned char *)w, m);
}
#else
static ptrdiff_t gev_search(uintptr_t p, size_t n, const void *w, size_t m) {
	const unsigned char *r = memmem((const void *)p, n, (const void *)w, m);
	return r ? r - (const unsigned char *)p : -1;
}
#endif
*/
import "C"

import (
	"bytes"
	"unsafe"
)

// The evbuffer work done in C: big copies and the vector search.

// cCopyMin: copies of this many bytes and more go to the C library
// (the call costs under 1 % of such a copy).
const cCopyMin = 64 << 10

// moveMem copies n bytes from src to dst (they may overlap). Big copies use
// the C library's memmove: Go's copy uses non-temporal stores from 1 MiB
// on, which send the bytes to memory, while a buffer's next step (a remove,
// a write) reads them again; glibc's keeps them in the caches up to a share
// of their size, as libevent's copies do.
func moveMem(dst, src unsafe.Pointer, n int) {
	if n >= cCopyMin {
		C.memmove(dst, src, C.size_t(n))
		return
	}
	copy(bytesAt(dst, n), bytesAt(src, n))
}

// cSearchMin: below this many bytes a segment is searched in Go (the call
// into C costs about as much as searching 1 KiB).
const cSearchMin = 4096

// indexIn is bytes.Index(d, what) for d in C memory (a segment's data).
func indexIn(d, what []byte) int {
	if len(d) < cSearchMin || len(what) < 2 || len(d) < len(what) {
		return bytes.Index(d, what)
	}
	return int(C.gev_search(C.uintptr_t(uintptr(unsafe.Pointer(&d[0]))), C.size_t(len(d)),
		unsafe.Pointer(&what[0]), C.size_t(len(what))))
}
