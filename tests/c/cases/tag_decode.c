/* tag_decode: every evtag decoder on well-formed input: round trips of
 * integers (32 and 64 bits, at the limits), tags, strings, fixed data,
 * timevals and nested buffers; what each returns (sizes, lengths), what
 * it leaves in the buffer; a stream of records walked with evtag_peek the
 * way event_rpcgen.py's generated code walks a message; records split
 * over many evbuffer segments. The decoders libevent 2.1.12 exports
 * without declaring them (evtag_decode_int, _int64, _tag) are declared
 * here. */
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/tag.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testcase.h"

int evtag_decode_int(ev_uint32_t *pnumber, struct evbuffer *evbuf);
int evtag_decode_int64(ev_uint64_t *pnumber, struct evbuffer *evbuf);
int evtag_encode_tag(struct evbuffer *evbuf, ev_uint32_t tag);
int evtag_decode_tag(ev_uint32_t *ptag, struct evbuffer *evbuf);

static const ev_uint64_t ints[] = {
	0, 1, 15, 16, 0xff, 0x100, 0xfff, 0x1000, 0x12345, 0xffffff, 0x1000000,
	0x10000000, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull,
	0x123456789abull, 0x1000000000000000ull, 0x8000000000000000ull,
	0xffffffffffffffffull,
};
static const ev_uint32_t tags[] = {
	0, 1, 0x7f, 0x80, 0x3fff, 0x4000, 0x10000000, 0xffffffff,
};
#define N(a) (sizeof(a) / sizeof((a)[0]))

static void left(struct evbuffer *b)
{
	printf("  left %zu\n", evbuffer_get_length(b));
}

/* A buffer whose bytes are those of src, one segment per piece of size
 * step (evbuffer_add_reference makes a segment of each). */
static struct evbuffer *pieces(struct evbuffer *src, size_t step, unsigned char *store)
{
	struct evbuffer *b = evbuffer_new();
	size_t n = evbuffer_get_length(src), i;
	evbuffer_remove(src, store, n);
	for (i = 0; i < n; i += step)
		evbuffer_add_reference(b, store + i, n - i < step ? n - i : step, NULL, NULL);
	return b;
}

int main(void)
{
	struct evbuffer *b = evbuffer_new(), *d = evbuffer_new();
	size_t i, j;
	int r;

	tc_alarm("tag_decode", 10);

	printf("-- integers: decode_int, decode_int64, marshal_int/unmarshal_int(64)\n");
	for (i = 0; i < N(ints); i++) {
		ev_uint32_t v32 = 0x5a5a5a5a;
		ev_uint64_t v64 = 0x5a5a5a5a5a5a5a5aull;
		evtag_encode_int64(b, ints[i]);
		evbuffer_add(b, "+", 1);
		r = evtag_decode_int(&v32, b);
		printf("%#llx: decode_int %d %#x,", (unsigned long long)ints[i], r, v32);
		evbuffer_drain(b, evbuffer_get_length(b));
		evtag_encode_int64(b, ints[i]);
		evbuffer_add(b, "+", 1);
		r = evtag_decode_int64(&v64, b);
		printf(" decode_int64 %d %#llx, left %zu\n", r, (unsigned long long)v64, evbuffer_get_length(b));
		evbuffer_drain(b, evbuffer_get_length(b));

		v32 = 0x5a5a5a5a;
		v64 = 0x5a5a5a5a5a5a5a5aull;
		evtag_marshal_int64(b, 7, ints[i]);
		evtag_marshal_int64(b, 7, ints[i]);
		r = evtag_unmarshal_int(b, 7, &v32);
		printf("  unmarshal_int %d %#x,", r, v32);
		r = evtag_unmarshal_int64(b, 7, &v64);
		printf(" unmarshal_int64 %d %#llx,", r, (unsigned long long)v64);
		printf(" left %zu\n", evbuffer_get_length(b));
		evbuffer_drain(b, evbuffer_get_length(b));
	}

	printf("-- tags: encode_tag, decode_tag, peek, unmarshal_header\n");
	for (i = 0; i < N(tags); i++) {
		ev_uint32_t t = 0x5a5a5a5a, t2 = 0x5a5a5a5a, t3 = 0x5a5a5a5a;
		evtag_marshal(b, tags[i], "abc", 3);
		r = evtag_peek(b, &t);
		printf("%#x: peek %d %#x,", tags[i], r, t);
		r = evtag_peek(b, NULL);
		printf(" peek(NULL) %d,", r);
		r = evtag_unmarshal_header(b, &t2);
		printf(" unmarshal_header %d %#x, left %zu,", r, t2, evbuffer_get_length(b));
		evbuffer_drain(b, evbuffer_get_length(b));
		evtag_encode_tag(b, tags[i]);
		r = evtag_decode_tag(&t3, b);
		printf(" decode_tag %d %#x", r, t3);
		r = evtag_decode_tag(NULL, b);
		printf(", then %d\n", r);
	}

	printf("-- lengths: peek_length, payload_length, consume, unmarshal\n");
	{
		static char data[5000];
		static const ev_uint32_t lens[] = { 0, 1, 16, 255, 256, 4096, 5000 };
		memset(data, 'q', sizeof data);
		for (i = 0; i < N(lens); i++) {
			ev_uint32_t pl = 0x5a5a5a5a, ll = 0x5a5a5a5a, t = 0x5a5a5a5a;
			evtag_marshal(b, 0x4000 + (ev_uint32_t)i, data, lens[i]);
			evbuffer_add(b, "tail", 4);
			r = evtag_peek_length(b, &pl);
			printf("len %u: peek_length %d %u,", lens[i], r, pl);
			r = evtag_payload_length(b, &ll);
			printf(" payload_length %d %u,", r, ll);
			r = evtag_unmarshal(b, &t, d);
			printf(" unmarshal %d tag %#x into %zu bytes, left %zu,", r, t,
			    evbuffer_get_length(d), evbuffer_get_length(b));
			evbuffer_drain(d, evbuffer_get_length(d));
			evbuffer_drain(b, evbuffer_get_length(b));
			evtag_marshal(b, 3, data, lens[i]);
			evbuffer_add(b, "tail", 4);
			r = evtag_consume(b);
			printf(" consume %d, left %zu\n", r, evbuffer_get_length(b));
			evbuffer_drain(b, evbuffer_get_length(b));
		}
		/* unmarshal appends to what dst holds */
		evbuffer_add(d, "old", 3);
		evtag_marshal(b, 1, "new", 3);
		r = evtag_unmarshal(b, NULL, d);
		printf("unmarshal into a non-empty buffer %d: %zu bytes\n", r, evbuffer_get_length(d));
		evbuffer_drain(d, evbuffer_get_length(d));
	}

	printf("-- strings and fixed data\n");
	{
		static const char *strs[] = { "", "x", "hello world", "with\ttab and\nnewline" };
		char fixed[16];
		for (i = 0; i < N(strs); i++) {
			char *s = (char *)"unset";
			evtag_marshal_string(b, 2, strs[i]);
			r = evtag_unmarshal_string(b, 2, &s);
			printf("string [%s]: %d [%s] equal %s\n", strs[i], r, s, tc_yesno(strcmp(s, strs[i]) == 0));
			free(s);
			left(b);
		}
		/* a string payload with a NUL: cut there when printed, all removed */
		{
			char *s = NULL;
			evtag_marshal(b, 2, "ab\0cd", 5);
			r = evtag_unmarshal_string(b, 2, &s);
			printf("payload with a NUL: %d [%s] strlen %zu\n", r, s, strlen(s));
			free(s);
			left(b);
		}
		memset(fixed, '.', sizeof fixed);
		evtag_marshal(b, 11, "0123456789", 10);
		r = evtag_unmarshal_fixed(b, 11, fixed, 10);
		printf("fixed 10: %d [%.16s]\n", r, fixed);
		left(b);
		evtag_marshal(b, 11, "", 0);
		r = evtag_unmarshal_fixed(b, 11, fixed, 0);
		printf("fixed 0: %d\n", r);
		left(b);
	}

	printf("-- timevals\n");
	{
		static const struct { long sec, usec; } tvs[] = {
			{ 0, 0 }, { 1, 1 }, { 1700000000, 999999 }, { 0xffffffffL, 0xffffffffL },
			{ -1, 0 }, { 0x100000001L, 3 },
		};
		for (i = 0; i < N(tvs); i++) {
			struct timeval in, out;
			in.tv_sec = tvs[i].sec;
			in.tv_usec = tvs[i].usec;
			out.tv_sec = 77;
			out.tv_usec = 77;
			evtag_marshal_timeval(b, 12, &in);
			r = evtag_unmarshal_timeval(b, 12, &out);
			printf("timeval %ld.%ld: %d -> %lld.%lld\n", tvs[i].sec, tvs[i].usec, r,
			    (long long)out.tv_sec, (long long)out.tv_usec);
			left(b);
		}
	}

	printf("-- a message walked with evtag_peek, as generated code does\n");
	{
		struct evbuffer *inner = evbuffer_new(), *tmp = evbuffer_new();
		struct timeval tv = { 1234, 5678 };
		ev_uint32_t tag;
		/* inner message: an int and a string */
		evtag_marshal_int(inner, 1, 42);
		evtag_marshal_string(inner, 2, "inner");
		/* outer: int, string, inner message, int64, fixed, timeval, an
		 * unknown tag, then an array of ints */
		evtag_marshal_int(b, 1, 0xabcdef);
		evtag_marshal_string(b, 2, "name");
		evtag_marshal_buffer(b, 3, inner);
		evtag_marshal_int64(b, 4, 0x123456789abcdef0ull);
		evtag_marshal(b, 5, "FIXED!", 6);
		evtag_marshal_timeval(b, 6, &tv);
		evtag_marshal(b, 99, "skip me", 7);
		for (j = 0; j < 3; j++)
			evtag_marshal_int(b, 7, (ev_uint32_t)(j * 1000));
		while (evbuffer_get_length(b) > 0) {
			ev_uint32_t v32 = 0;
			ev_uint64_t v64 = 0;
			char *s = NULL;
			char fx[6];
			struct timeval t2;
			if (evtag_peek(b, &tag) == -1) {
				printf("peek failed\n");
				break;
			}
			switch (tag) {
			case 1: case 7:
				r = evtag_unmarshal_int(b, tag, &v32);
				printf("tag %u int: %d %#x\n", tag, r, v32);
				break;
			case 2:
				r = evtag_unmarshal_string(b, 2, &s);
				printf("tag 2 string: %d %s\n", r, s);
				free(s);
				break;
			case 3:
				r = evtag_unmarshal(b, &tag, tmp);
				printf("tag 3 message: %d bytes;", r);
				r = evtag_unmarshal_int(tmp, 1, &v32);
				printf(" int %d %u;", r, v32);
				r = evtag_unmarshal_string(tmp, 2, &s);
				printf(" string %d %s; left %zu\n", r, s, evbuffer_get_length(tmp));
				free(s);
				break;
			case 4:
				r = evtag_unmarshal_int64(b, 4, &v64);
				printf("tag 4 int64: %d %#llx\n", r, (unsigned long long)v64);
				break;
			case 5:
				r = evtag_unmarshal_fixed(b, 5, fx, sizeof fx);
				printf("tag 5 fixed: %d %.6s\n", r, fx);
				break;
			case 6:
				r = evtag_unmarshal_timeval(b, 6, &t2);
				printf("tag 6 timeval: %d %ld.%ld\n", r, (long)t2.tv_sec, (long)t2.tv_usec);
				break;
			default:
				r = evtag_consume(b);
				printf("tag %u unknown: consume %d\n", tag, r);
				break;
			}
		}
		evbuffer_free(inner);
		evbuffer_free(tmp);
	}

	printf("-- records over many segments\n");
	{
		static unsigned char store[4][256];
		static const size_t steps[] = { 1, 2, 3, 7 };
		for (i = 0; i < N(steps); i++) {
			struct evbuffer *src = evbuffer_new(), *p;
			ev_uint32_t v32 = 0, tag = 0, plen = 0;
			ev_uint64_t v64 = 0;
			char *s = NULL;
			struct timeval tv = { 99999, 88888 }, t2 = { 0, 0 };
			evtag_marshal_int(src, 0x4000, 0xfedcba98);
			evtag_marshal_int64(src, 0x200000, 0xfedcba9876543210ull);
			evtag_marshal_string(src, 0x10000000, "segmented string");
			evtag_marshal_timeval(src, 0xffffffff, &tv);
			evtag_marshal(src, 1, "0123456789abcdef0123", 20);
			p = pieces(src, steps[i], store[i]);
			printf("step %zu: %zu bytes;", steps[i], evbuffer_get_length(p));
			r = evtag_peek(p, &tag);
			printf(" peek %d %#x;", r, tag);
			r = evtag_peek_length(p, &plen);
			printf(" peek_length %d %u;", r, plen);
			r = evtag_unmarshal_int(p, 0x4000, &v32);
			printf(" int %d %#x;", r, v32);
			r = evtag_unmarshal_int64(p, 0x200000, &v64);
			printf(" int64 %d %#llx;\n", r, (unsigned long long)v64);
			r = evtag_unmarshal_string(p, 0x10000000, &s);
			printf("  string %d %s;", r, s);
			free(s);
			r = evtag_unmarshal_timeval(p, 0xffffffff, &t2);
			printf(" timeval %d %ld.%ld;", r, (long)t2.tv_sec, (long)t2.tv_usec);
			r = evtag_unmarshal(p, &tag, d);
			printf(" unmarshal %d %#x %zu;", r, tag, evbuffer_get_length(d));
			evbuffer_drain(d, evbuffer_get_length(d));
			printf(" left %zu\n", evbuffer_get_length(p));
			evbuffer_free(p);
			evbuffer_free(src);
		}
	}

	evbuffer_free(b);
	evbuffer_free(d);
	printf("done\n");
	return 0;
}
