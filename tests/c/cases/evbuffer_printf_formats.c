/* evbuffer_printf_formats: what evbuffer_add_printf adds for the common
 * conversions (%s %c %d %i %u %x %X %% with l, ll and z; goevent formats
 * these itself instead of calling vsnprintf) at their edges: extreme
 * values, NULL and empty strings, a NUL character, long strings, and
 * formats with flags, width, precision or other conversions, which take
 * the other road. Each text goes into an empty buffer and into one that
 * has only a few bytes of free room left, so both the room and the path
 * for a text that does not fit are used. */
#include <event2/buffer.h>
#include <event2/event.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <wchar.h>

#include "testcase.h"

static struct evbuffer *b, *tight;

static void show(const char *tag, int r)
{
	size_t n = evbuffer_get_length(b), i;
	unsigned char *p = evbuffer_pullup(b, -1);
	printf("%-14s %3d len=%zu \"", tag, r, n);
	for (i = 0; i < n && i < 120; i++) {
		if (p[i] >= 32 && p[i] < 127 && p[i] != '\\')
			putchar(p[i]);
		else
			printf("\\x%02x", p[i]);
	}
	if (n > 120) {
		uint32_t h = 2166136261u; /* FNV-1a of all of it */
		for (i = 0; i < n; i++)
			h = (h ^ p[i]) * 16777619u;
		printf("...\" fnv=%08x\n", (unsigned)h);
	} else {
		printf("\"\n");
	}
	evbuffer_drain(b, n);
}

/* the same text into a buffer with little free room: it must be the same */
static void check_tight(const char *tag, int r, int r2)
{
	size_t n = evbuffer_get_length(tight);
	char *x = malloc(n + 1);
	evbuffer_remove(tight, x, n);
	if (r2 != r || (r > 0 && (n < (size_t)r || memcmp(x + n - (size_t)r, evbuffer_pullup(b, -1), (size_t)r) != 0)))
		printf("%s: differs with little room (%d, %d)\n", tag, r, r2);
	free(x);
}

/* leaves 1..15 bytes of room at the end of tight (learnt by reserving) */
static void fill_tight(int k)
{
	struct evbuffer_iovec v;
	evbuffer_drain(tight, evbuffer_get_length(tight));
	evbuffer_add(tight, "x", 1);
	if (evbuffer_reserve_space(tight, 1, &v, 1) == 1 && v.iov_len > (size_t)k) {
		memset(v.iov_base, 'y', v.iov_len - (size_t)k);
		v.iov_len -= (size_t)k;
		evbuffer_commit_space(tight, &v, 1);
	}
}

#define T(tag, ...) do {                                        \
		int r_, r2_;                                    \
		fill_tight(1 + (k++ % 15));                     \
		r_ = evbuffer_add_printf(b, __VA_ARGS__);       \
		r2_ = evbuffer_add_printf(tight, __VA_ARGS__);  \
		check_tight(tag, r_, r2_);                      \
		show(tag, r_);                                  \
	} while (0)

int main(void)
{
	char longs[3000];
	const char *nul = NULL;
	int k = 0;

	tc_alarm("evbuffer_printf_formats", 10);
	b = evbuffer_new();
	tight = evbuffer_new();
	memset(longs, 'L', sizeof longs - 1);
	longs[sizeof longs - 1] = 0;

	T("empty", "%s", "");
	T("no conversion", "plain text\r\n");
	T("request", "%s %d %s\r\n", "GET", 4711, "/index.html");
	T("header", "%s: %s\r\n", "Content-Type", "text/html");
	T("percent", "100%% sure %%%d", 5);
	T("int extremes", "%d %d %i %d", INT_MIN, INT_MAX, -1, 0);
	T("long", "%ld %ld %li", LONG_MIN, LONG_MAX, -42L);
	T("long long", "%lld %lld", LLONG_MIN, LLONG_MAX);
	T("unsigned", "%u %u %lu %llu", 0u, UINT_MAX, ULONG_MAX, ULLONG_MAX);
	T("size", "%zu %zd %zd %zx", SIZE_MAX, (ssize_t)-5, (ssize_t)SSIZE_MAX, (size_t)0xbeef);
	T("hex", "%x %X %x %lx %llX", 0u, 0xdeadbeefu, 255u, 0x123456789abcdefUL, 0xfedcba9876543210ULL);
	T("char", "[%c%c%c]", 'a', 'Z', '~');
	T("char NUL", "a%cb", 0);
	T("char 0x1ff", "%c", 0x1ff);
	T("NULL string", "<%s>", nul);
	T("strings", "%s%s%s|%s", "a", "", "bc", "0123456789abcdefghijklmnopqrstuvwxyz");
	T("long string", "%s!", longs);
	T("two long", "%s%s", longs, longs);
	T("width", "[%5d|%-5d|%05d]", 42, 42, 42);
	T("precision", "[%.3s|%.*s]", "abcdef", 2, "xyz");
	T("flags", "[%+d|% d|%#x|%'d]", 5, 5, 255, 1000);
	T("other", "%o %e %g %p", 8u, 1.5, 0.25, (void *)0);
	T("short", "%hd %hhu %hx", (short)-3, (unsigned char)200, (unsigned short)0xabcd);
	T("wide", "%lc|%ls", (wint_t)'w', L"ide");
	T("mixed", "%d%%%s%c%u%x", -7, "s", 'c', 8u, 9u);
	T("many", "%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);

	evbuffer_free(b);
	evbuffer_free(tight);
	return 0;
}
