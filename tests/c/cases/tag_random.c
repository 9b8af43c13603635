/* tag_random: a randomized differential test of the evtag decoders (the
 * fuzzer of the C decoder: a fixed pseudo-random sequence, so both
 * libraries see the same inputs). Each round builds a stream of records
 * (well-formed ones of every kind, then mutated: bytes flipped, cut,
 * inserted, random bytes), spreads it over evbuffer segments of random
 * sizes, and walks it with decoders picked at random until the buffer is
 * empty or too many calls failed. Prints, per decoder, the calls, the
 * failures and a hash of every result (return value, outputs, bytes left).
 * Set TAG_FUZZ_VERBOSE=1 to print each call (to diff two libraries). */
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/tag.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testcase.h"

/* timeout: 60 */

int evtag_decode_int(ev_uint32_t *pnumber, struct evbuffer *evbuf);
int evtag_decode_int64(ev_uint64_t *pnumber, struct evbuffer *evbuf);
int evtag_decode_tag(ev_uint32_t *ptag, struct evbuffer *evbuf);

static uint64_t rng_state = 0x2545f4914f6cdd1dull;
static uint32_t rnd(void)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rng_state >> 33);
}
static uint32_t below(uint32_t n) { return n ? rnd() % n : 0; }

static uint64_t interesting(void)
{
	static const uint64_t v[] = {
		0, 1, 15, 16, 255, 256, 0xfff, 0x1000, 0xffffffff, 0x80000000, 0x100000000ull,
		0xffffffffffffffffull, 0x8000000000000000ull, 0x0fffffffffffffffull,
	};
	switch (below(3)) {
	case 0: return v[below(sizeof v / sizeof v[0])];
	case 1: return rnd();
	default: return ((uint64_t)rnd() << 32 | rnd()) >> below(64);
	}
}

static uint32_t some_tag(void)
{
	static const uint32_t t[] = { 0, 1, 2, 3, 0x7f, 0x80, 0x3fff, 0x4000, 0xffffffff };
	return below(4) ? t[below(sizeof t / sizeof t[0])] : rnd() >> below(32);
}

struct dstat { const char *name; unsigned calls, fails; uint64_t h; };
enum { D_PEEK, D_PEEKLEN, D_PAYLEN, D_HEADER, D_CONSUME, D_UNMARSHAL, D_INT, D_INT64,
	D_FIXED, D_STRING, D_TIMEVAL, D_DECINT, D_DECINT64, D_DECTAG, D_N };
static struct dstat stats[D_N] = {
	{ "peek", 0, 0, 0 }, { "peek_length", 0, 0, 0 }, { "payload_length", 0, 0, 0 },
	{ "unmarshal_header", 0, 0, 0 }, { "consume", 0, 0, 0 }, { "unmarshal", 0, 0, 0 },
	{ "unmarshal_int", 0, 0, 0 }, { "unmarshal_int64", 0, 0, 0 }, { "unmarshal_fixed", 0, 0, 0 },
	{ "unmarshal_string", 0, 0, 0 }, { "unmarshal_timeval", 0, 0, 0 }, { "decode_int", 0, 0, 0 },
	{ "decode_int64", 0, 0, 0 }, { "decode_tag", 0, 0, 0 },
};
static int verbose;

static void mix(uint64_t *h, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;
	if (!*h)
		*h = 1469598103934665603ull;
	for (i = 0; i < n; i++) {
		*h ^= b[i];
		*h *= 1099511628211ull;
	}
}

/* A stream of well-formed records of random kinds. */
static void records(struct evbuffer *out)
{
	static char payload[600];
	int n = 1 + (int)below(6), i;
	for (i = 0; i < n; i++) {
		uint32_t tag = some_tag();
		switch (below(7)) {
		case 0: evtag_marshal_int(out, tag, (ev_uint32_t)interesting()); break;
		case 1: evtag_marshal_int64(out, tag, interesting()); break;
		case 2: {
			size_t len = below(4) ? below(20) : below(sizeof payload);
			memset(payload, 'a' + (int)below(26), len);
			evtag_marshal(out, tag, payload, (ev_uint32_t)len);
			break;
		}
		case 3: {
			struct timeval tv;
			tv.tv_sec = (time_t)interesting();
			tv.tv_usec = (suseconds_t)(interesting() & 0xfffff);
			evtag_marshal_timeval(out, tag, &tv);
			break;
		}
		case 4: evtag_encode_int(out, (ev_uint32_t)interesting()); break;
		case 5: evtag_encode_int64(out, interesting()); break;
		default: {
			unsigned char junk[8];
			size_t k = 1 + below(sizeof junk), j;
			for (j = 0; j < k; j++)
				junk[j] = (unsigned char)rnd();
			evbuffer_add(out, junk, k);
			break;
		}
		}
	}
}

/* Mutates s[0..*n) in place (capacity cap). */
static void mutate(unsigned char *s, size_t *n, size_t cap)
{
	int k = (int)below(4), i;
	for (i = 0; i < k && *n > 0; i++) {
		size_t at = below((uint32_t)*n);
		switch (below(5)) {
		case 0: s[at] ^= (unsigned char)(1u << below(8)); break;
		case 1: s[at] = (unsigned char)rnd(); break;
		case 2: *n = at; break;  /* cut */
		case 3:
			if (*n < cap) {     /* insert */
				memmove(s + at + 1, s + at, *n - at);
				s[at] = (unsigned char)rnd();
				(*n)++;
			}
			break;
		default: s[at] = (unsigned char)(below(2) ? 0x80 | rnd() : 0xf0 | (rnd() & 0x0f)); break;
		}
	}
}

static void result(int d, int r, ev_uint64_t v1, ev_uint64_t v2, struct evbuffer *b, const char *extra)
{
	size_t left = evbuffer_get_length(b);
	stats[d].calls++;
	if (r < 0)
		stats[d].fails++;
	mix(&stats[d].h, &r, sizeof r);
	mix(&stats[d].h, &v1, sizeof v1);
	mix(&stats[d].h, &v2, sizeof v2);
	mix(&stats[d].h, &left, sizeof left);
	if (extra)
		mix(&stats[d].h, extra, strlen(extra));
	if (verbose)
		printf("%s %d %#llx %#llx left %zu %s\n", stats[d].name, r, (unsigned long long)v1,
		    (unsigned long long)v2, left, extra ? extra : "");
}

static void step(struct evbuffer *b, struct evbuffer *dst)
{
	int d = (int)below(D_N), r;
	ev_uint32_t a = 0xa5a5a5a5u;
	ev_uint64_t w = 0xa5a5a5a5a5a5a5a5ull;
	ev_uint32_t need;
	char *s = NULL;
	unsigned char fx[32];
	struct timeval tv = { 77, 77 };
	size_t fl;
	char extra[80];

	/* ask for the tag that is there most of the time */
	if (evtag_peek(b, &need) < 0 || below(8) == 0)
		need = some_tag();
	switch (d) {
	case D_PEEK: r = evtag_peek(b, &a); result(d, r, a, 0, b, NULL); break;
	case D_PEEKLEN: r = evtag_peek_length(b, &a); result(d, r, a, 0, b, NULL); break;
	case D_PAYLEN: r = evtag_payload_length(b, &a); result(d, r, a, 0, b, NULL); break;
	case D_HEADER: r = evtag_unmarshal_header(b, &a); result(d, r, a, 0, b, NULL); break;
	case D_CONSUME: r = evtag_consume(b); result(d, r, 0, 0, b, NULL); break;
	case D_UNMARSHAL: {
		size_t before = evbuffer_get_length(dst);
		unsigned char head[16];
		ev_ssize_t k;
		r = evtag_unmarshal(b, &a, dst);
		k = evbuffer_copyout(dst, head, sizeof head);
		snprintf(extra, sizeof extra, "dst +%zu %02x%02x", evbuffer_get_length(dst) - before,
		    k > 0 ? head[0] : 0, k > 1 ? head[1] : 0);
		result(d, r, a, 0, b, extra);
		evbuffer_drain(dst, evbuffer_get_length(dst));
		break;
	}
	case D_INT: r = evtag_unmarshal_int(b, need, &a); result(d, r, a, need, b, NULL); break;
	case D_INT64: r = evtag_unmarshal_int64(b, need, &w); result(d, r, w, need, b, NULL); break;
	case D_FIXED: {
		ev_uint32_t pl;
		/* the right length most of the time */
		fl = evtag_payload_length(b, &pl) == 0 && pl <= sizeof fx && below(4) ? pl : below(sizeof fx);
		memset(fx, 0, sizeof fx);
		r = evtag_unmarshal_fixed(b, need, fx, fl);
		snprintf(extra, sizeof extra, "fixed %zu %02x%02x%02x", fl, fx[0], fx[1], fx[2]);
		result(d, r, 0, need, b, extra);
		break;
	}
	case D_STRING:
		r = evtag_unmarshal_string(b, need, &s);
		snprintf(extra, sizeof extra, "str %zd %.8s", s ? (ssize_t)strlen(s) : (ssize_t)-1, s ? s : "");
		result(d, r, 0, need, b, extra);
		free(s);
		break;
	case D_TIMEVAL:
		r = evtag_unmarshal_timeval(b, need, &tv);
		result(d, r, (ev_uint64_t)tv.tv_sec, (ev_uint64_t)tv.tv_usec, b, NULL);
		break;
	case D_DECINT: r = evtag_decode_int(&a, b); result(d, r, a, 0, b, NULL); break;
	case D_DECINT64: r = evtag_decode_int64(&w, b); result(d, r, w, 0, b, NULL); break;
	default: r = evtag_decode_tag(&a, b); result(d, r, a, 0, b, NULL); break;
	}
}

int main(void)
{
	enum { ROUNDS = 50000, CAP = 8192 };
	static unsigned char s[CAP];
	struct evbuffer *tmp = evbuffer_new(), *dst = evbuffer_new();
	int round, i;
	unsigned total = 0, fails = 0;

	tc_alarm("tag_random", 50);
	verbose = getenv("TAG_FUZZ_VERBOSE") != NULL;
	for (round = 0; round < ROUNDS; round++) {
		struct evbuffer *b = evbuffer_new();
		size_t n, off;
		int failed = 0;

		records(tmp);
		n = evbuffer_get_length(tmp);
		if (n > CAP / 2) {
			evbuffer_drain(tmp, n - CAP / 2);
			n = CAP / 2;
		}
		evbuffer_remove(tmp, s, n);
		if (below(4))
			mutate(s, &n, CAP);
		/* segments: one, or references of random sizes */
		if (below(3) == 0) {
			evbuffer_add(b, s, n);
		} else {
			for (off = 0; off < n;) {
				size_t k = 1 + below(below(2) ? 4 : 64);
				if (k > n - off)
					k = n - off;
				evbuffer_add_reference(b, s + off, k, NULL, NULL);
				off += k;
			}
		}
		if (verbose)
			printf("round %d: %zu bytes\n", round, n);
		for (i = 0; i < 64 && evbuffer_get_length(b) > 0 && failed < 3; i++) {
			size_t before = evbuffer_get_length(b);
			step(b, dst);
			if (evbuffer_get_length(b) == before)
				failed++;
		}
		evbuffer_free(b);
	}
	for (i = 0; i < D_N; i++) {
		printf("%-18s calls %6u failed %6u hash %016llx\n", stats[i].name, stats[i].calls,
		    stats[i].fails, (unsigned long long)stats[i].h);
		total += stats[i].calls;
		fails += stats[i].fails;
	}
	printf("%u calls, %u failed\n", total, fails);
	evbuffer_free(tmp);
	evbuffer_free(dst);
	printf("done\n");
	return 0;
}
