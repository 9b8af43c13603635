/* tag_encode: the bytes every evtag encoder writes (event2/tag.h and the
 * old names of tag_compat.h), for integers and tags at every nibble and
 * 7-bit boundary and at the limits, strings, buffers and timevals; the
 * encoders append to what is there. evtag_encode_tag is exported by
 * libevent 2.1.12 but declared by no header, so it is declared here. */
#include <event.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/tag.h>
#include <event2/tag_compat.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "testcase.h"

int evtag_encode_tag(struct evbuffer *evbuf, ev_uint32_t tag);

/* Prints "LABEL: N bytes: hex" and empties the buffer. */
static void dump(struct evbuffer *b, const char *label)
{
	size_t n = evbuffer_get_length(b), i;
	unsigned char *p = evbuffer_pullup(b, -1);
	printf("%s: %zu bytes:", label, n);
	for (i = 0; i < n; i++)
		printf(" %02x", p[i]);
	printf("\n");
	evbuffer_drain(b, n);
}

static const ev_uint64_t ints[] = {
	0, 1, 2, 7, 8, 15, 16, 17, 0xff, 0x100, 0x101, 0xfff, 0x1000, 0xffff, 0x10000,
	0x12345, 0xfffff, 0x100000, 0xffffff, 0x1000000, 0xfffffff, 0x10000000,
	0x7fffffff, 0x80000000, 0xdeadbeef, 0xfffffffe, 0xffffffff,
	0x100000000ull, 0xfffffffffull, 0x1000000000ull, 0x123456789abull,
	0xffffffffffffull, 0x1000000000000ull, 0xfffffffffffffull, 0x10000000000000ull,
	0xffffffffffffffull, 0x100000000000000ull, 0x0fffffffffffffffull,
	0x1000000000000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
	0xfedcba9876543210ull, 0xfffffffffffffffeull, 0xffffffffffffffffull,
};

static const ev_uint32_t tags[] = {
	0, 1, 0x66, 0x7f, 0x80, 0x81, 0x166, 0x3fff, 0x4000, 0x1fffff, 0x200000,
	0xfffffff, 0x10000000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
};

int main(void)
{
	struct evbuffer *b, *d;
	char label[96];
	size_t i;

	tc_alarm("tag_encode", 10);
	evtag_init();
	evtag_init(); /* twice is harmless */
	b = evbuffer_new();
	d = evbuffer_new();

	printf("-- evtag_encode_int / encode_int (32 bits)\n");
	for (i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		if (ints[i] > 0xffffffffu)
			continue;
		evtag_encode_int(b, (ev_uint32_t)ints[i]);
		snprintf(label, sizeof label, "int %#llx", (unsigned long long)ints[i]);
		dump(b, label);
		encode_int(b, (ev_uint32_t)ints[i]);
		snprintf(label, sizeof label, "encode_int %#llx", (unsigned long long)ints[i]);
		dump(b, label);
	}
	printf("-- evtag_encode_int64 / encode_int64\n");
	for (i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		evtag_encode_int64(b, ints[i]);
		snprintf(label, sizeof label, "int64 %#llx", (unsigned long long)ints[i]);
		dump(b, label);
		encode_int64(b, ints[i]);
		snprintf(label, sizeof label, "encode_int64 %#llx", (unsigned long long)ints[i]);
		dump(b, label);
	}
	printf("-- evtag_encode_tag\n");
	for (i = 0; i < sizeof tags / sizeof tags[0]; i++) {
		int n = evtag_encode_tag(b, tags[i]);
		snprintf(label, sizeof label, "tag %#x returns %d", tags[i], n);
		dump(b, label);
		printf("tag %#x without a buffer returns %d\n", tags[i], evtag_encode_tag(NULL, tags[i]));
	}

	printf("-- evtag_marshal_int / _int64\n");
	for (i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		ev_uint32_t tag = tags[i % (sizeof tags / sizeof tags[0])];
		if (ints[i] <= 0xffffffffu) {
			evtag_marshal_int(b, tag, (ev_uint32_t)ints[i]);
			snprintf(label, sizeof label, "marshal_int tag %#x %#llx", tag, (unsigned long long)ints[i]);
			dump(b, label);
		}
		evtag_marshal_int64(b, tag, ints[i]);
		snprintf(label, sizeof label, "marshal_int64 tag %#x %#llx", tag, (unsigned long long)ints[i]);
		dump(b, label);
	}

	printf("-- evtag_marshal\n");
	{
		static char big[70000];
		static const ev_uint32_t lens[] = { 0, 1, 15, 16, 255, 256, 4095, 4096, 65535, 65536, 69999 };
		for (i = 0; i < sizeof big; i++)
			big[i] = (char)(i * 7 + 3);
		for (i = 0; i < sizeof lens / sizeof lens[0]; i++) {
			size_t n, j, sum = 0;
			unsigned char *p;
			evtag_marshal(b, 0x1234, big, lens[i]);
			n = evbuffer_get_length(b);
			p = evbuffer_pullup(b, -1);
			printf("marshal tag 0x1234 len %u: %zu bytes, header", lens[i], n);
			for (j = 0; j < n - lens[i]; j++)
				printf(" %02x", p[j]);
			for (; j < n; j++)
				sum = sum * 31 + p[j];
			printf(", payload %s, sum %zx\n",
			    memcmp(p + n - lens[i], big, lens[i]) == 0 ? "intact" : "WRONG", sum);
			evbuffer_drain(b, n);
		}
		evtag_marshal(b, 5, NULL, 0);
		dump(b, "marshal tag 5, NULL data, len 0");
	}

	printf("-- evtag_marshal_string\n");
	evtag_marshal_string(b, 1, "");
	dump(b, "string \"\"");
	evtag_marshal_string(b, 1, "hello");
	dump(b, "string hello");
	evtag_marshal_string(b, 200, "a\tb c");
	dump(b, "string tag 200");

	printf("-- evtag_marshal_buffer\n");
	evbuffer_add(d, "payload", 7);
	evtag_marshal_buffer(b, 3, d);
	printf("data left in the source: %zu\n", evbuffer_get_length(d));
	dump(b, "buffer of 7");
	evtag_marshal_buffer(b, 4, d);
	dump(b, "empty buffer");
	{
		char chunk[1000];
		memset(chunk, 'z', sizeof chunk);
		for (i = 0; i < 40; i++)
			evbuffer_add(d, chunk, sizeof chunk);
		evtag_marshal_buffer(b, 0x80, d);
		{
			size_t n = evbuffer_get_length(b), j, zs = 0;
			unsigned char *p = evbuffer_pullup(b, -1);
			printf("buffer of 40000: total %zu, source left %zu, header", n,
			    evbuffer_get_length(d));
			for (j = 0; j < n - 40000; j++)
				printf(" %02x", p[j]);
			for (; j < n; j++)
				zs += p[j] == 'z';
			printf(", payload bytes z: %zu\n", zs);
			evbuffer_drain(b, n);
		}
	}

	/* a buffer into itself: the header is added, the data stays */
	evbuffer_add(b, "self", 4);
	evtag_marshal_buffer(b, 6, b);
	dump(b, "a buffer into itself");

	printf("-- evtag_marshal_timeval\n");
	{
		static const struct { long sec, usec; } tvs[] = {
			{ 0, 0 }, { 1, 0 }, { 0, 999999 }, { 1700000000, 123456 },
			{ 0xffffffffL, 0 }, { 0x100000000L, 5 }, { -1, -1 }, { 0x7fffffffL, 1000000 },
		};
		for (i = 0; i < sizeof tvs / sizeof tvs[0]; i++) {
			struct timeval tv;
			tv.tv_sec = tvs[i].sec;
			tv.tv_usec = tvs[i].usec;
			evtag_marshal_timeval(b, 9, &tv);
			snprintf(label, sizeof label, "timeval %ld.%ld", tvs[i].sec, tvs[i].usec);
			dump(b, label);
		}
	}

	printf("-- appending after existing data\n");
	evbuffer_add(b, "xy", 2);
	evtag_marshal_int(b, 1, 2);
	evtag_marshal_string(b, 2, "s");
	evtag_encode_int(b, 300);
	dump(b, "after xy");

	evbuffer_free(b);
	evbuffer_free(d);
	printf("done\n");
	return 0;
}
