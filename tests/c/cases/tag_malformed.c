/* tag_malformed: every evtag decoder on malformed, truncated and
 * borderline input: unterminated and over-long tags (the fifth byte may
 * carry 4 bits), lengths whose nibble count is too large for 32 bits or
 * whose bytes are missing, payloads longer than the buffer, a wanted tag
 * that differs, integer payloads whose encoding runs past the record (or
 * falls short of it), non-canonical integers, timevals too long for their
 * record, and every prefix of well-formed records. For each: the return
 * value, each output (or "unset"), and the bytes left in the buffer. */
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
int evtag_decode_tag(ev_uint32_t *ptag, struct evbuffer *evbuf);

#define U32 0xa5a5a5a5u
#define U64 0xa5a5a5a5a5a5a5a5ull

static struct evbuffer *dst;

/* "left N[: hex]" */
static void left(struct evbuffer *b)
{
	size_t n = evbuffer_get_length(b), i;
	unsigned char *p = n ? evbuffer_pullup(b, -1) : NULL;
	printf(" left %zu", n);
	if (n) {
		printf(":");
		for (i = 0; i < n && i < 24; i++)
			printf(" %02x", p[i]);
		if (n > 24)
			printf(" ...");
	}
	printf("\n");
}

static void u32(const char *name, ev_uint32_t v)
{
	if (v == U32)
		printf(" %s unset", name);
	else
		printf(" %s %#x", name, v);
}

static void u64(const char *name, ev_uint64_t v)
{
	if (v == U64)
		printf(" %s unset", name);
	else
		printf(" %s %#llx", name, (unsigned long long)v);
}

/* Runs every decoder on a fresh buffer holding in[0..n). need is the tag
 * the typed decoders ask for; fixed the length unmarshal_fixed wants. */
static void all(const char *what, const unsigned char *in, size_t n, ev_uint32_t need, size_t fixed)
{
	struct evbuffer *b = evbuffer_new();
	ev_uint32_t a, c;
	ev_uint64_t w;
	char *s;
	unsigned char fx[64];
	struct timeval tv;
	int r;
	size_t i;

	printf("[%s] %zu bytes:", what, n);
	for (i = 0; i < n && i < 24; i++)
		printf(" %02x", in[i]);
	printf("%s (need tag %#x)\n", n > 24 ? " ..." : "", need);

#define FRESH() do { evbuffer_drain(b, evbuffer_get_length(b)); evbuffer_add(b, in, n); a = c = U32; w = U64; } while (0)
	FRESH(); r = evtag_peek(b, &a); printf("  peek %d", r); u32("tag", a); left(b);
	FRESH(); r = evtag_peek_length(b, &a); printf("  peek_length %d", r); u32("len", a); left(b);
	FRESH(); r = evtag_payload_length(b, &a); printf("  payload_length %d", r); u32("len", a); left(b);
	FRESH(); r = evtag_unmarshal_header(b, &a); printf("  unmarshal_header %d", r); u32("tag", a); left(b);
	FRESH(); r = evtag_consume(b); printf("  consume %d", r); left(b);
	FRESH(); evbuffer_drain(dst, evbuffer_get_length(dst));
	r = evtag_unmarshal(b, &a, dst); printf("  unmarshal %d", r); u32("tag", a);
	printf(" dst %zu", evbuffer_get_length(dst)); left(b);
	FRESH(); r = evtag_unmarshal_int(b, need, &a); printf("  unmarshal_int %d", r); u32("v", a); left(b);
	FRESH(); r = evtag_unmarshal_int64(b, need, &w); printf("  unmarshal_int64 %d", r); u64("v", w); left(b);
	FRESH(); memset(fx, '.', sizeof fx);
	r = evtag_unmarshal_fixed(b, need, fx, fixed);
	printf("  unmarshal_fixed(%zu) %d", fixed, r);
	if (r == 0) {
		printf(" data");
		for (i = 0; i < fixed; i++)
			printf(" %02x", fx[i]);
	}
	left(b);
	FRESH(); s = (char *)NULL;
	r = evtag_unmarshal_string(b, need, &s); printf("  unmarshal_string %d", r);
	if (s) {
		printf(" string of %zu", strlen(s));
		free(s);
	}
	left(b);
	FRESH(); tv.tv_sec = 77; tv.tv_usec = 77;
	r = evtag_unmarshal_timeval(b, need, &tv);
	printf("  unmarshal_timeval %d sec %lld usec %lld", r, (long long)tv.tv_sec, (long long)tv.tv_usec);
	left(b);
	FRESH(); r = evtag_decode_int(&a, b); printf("  decode_int %d", r); u32("v", a); left(b);
	FRESH(); r = evtag_decode_int64(&w, b); printf("  decode_int64 %d", r); u64("v", w); left(b);
	FRESH(); r = evtag_decode_tag(&a, b); printf("  decode_tag %d", r); u32("tag", a); left(b);
	(void)c;
	evbuffer_free(b);
}

#define ALL(what, need, fixed, ...) do { \
	static const unsigned char in_[] = { __VA_ARGS__ }; \
	all(what, in_, sizeof in_, need, fixed); } while (0)

/* Every proper prefix of the record in[0..n). */
static void prefixes(const char *what, const unsigned char *in, size_t n, ev_uint32_t need, size_t fixed)
{
	char label[96];
	size_t k;
	for (k = 0; k < n; k++) {
		snprintf(label, sizeof label, "%s, first %zu of %zu", what, k, n);
		all(label, in, k, need, fixed);
	}
}

int main(void)
{
	tc_alarm("tag_malformed", 20);
	dst = evbuffer_new();

	printf("== empty and tiny\n");
	all("empty", (const unsigned char *)"", 0, 0, 0);
	ALL("one zero byte", 0, 0, 0x00);
	ALL("tag 0, length 0", 0, 0, 0x00, 0x00);
	ALL("tag 0, length 0, wanted 1", 1, 0, 0x00, 0x00);

	printf("== tags\n");
	ALL("unterminated tag", 1, 0, 0x81);
	ALL("unterminated 4-byte tag", 1, 0, 0x81, 0x80, 0x80, 0x80);
	ALL("5-byte tag, last byte 0x0f (largest)", 0xffffffff, 0, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00);
	ALL("5-byte tag, last byte 0x10 (too big)", 1, 0, 0xff, 0xff, 0xff, 0xff, 0x10, 0x00);
	ALL("5-byte tag, last byte 0x7f", 1, 0, 0x80, 0x80, 0x80, 0x80, 0x7f, 0x00);
	ALL("5-byte tag, last byte 0x8f (continues)", 1, 0, 0x80, 0x80, 0x80, 0x80, 0x8f, 0x00, 0x00);
	ALL("6-byte tag", 1, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x00);
	ALL("padded tag 0x80 0x00 (= 0)", 0, 0, 0x80, 0x00, 0x00);
	ALL("padded tag 0x81 0x80 0x00 (= 1)", 1, 1, 0x81, 0x80, 0x00, 0x01, 0x07);
	ALL("tag with 7 payload bytes only 5 there", 1, 0, 0x01, 0x07, 'a', 'b', 'c', 'd', 'e');

	printf("== lengths\n");
	ALL("length nibble count 8 (largest for 32 bits)", 1, 0, 0x01, 0x70, 0, 0, 0, 0);
	ALL("length nibble count 9", 1, 0, 0x01, 0x80, 0, 0, 0, 0, 0);
	ALL("length nibble count 16", 1, 0, 0x01, 0xf0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	ALL("length missing", 1, 0, 0x01);
	ALL("length cut (needs 3 bytes)", 1, 0, 0x01, 0x30, 0x00);
	ALL("length 0x10 with 15 bytes", 1, 16, 0x01, 0x10, 0x10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
	ALL("non-canonical length 0x10 0x01 (= 1)", 1, 1, 0x01, 0x10, 0x01, 0x09);
	ALL("non-canonical length 0x21 0x00 (= 1)", 1, 1, 0x01, 0x21, 0x00, 0x09);
	ALL("length 2^32-1", 1, 0, 0x01, 0x7f, 0xff, 0xff, 0xff, 0xf0, 1, 2, 3);

	printf("== typed payloads\n");
	ALL("int record, wanted tag differs", 2, 1, 0x01, 0x01, 0x05, 0x01, 0x01, 0x06);
	ALL("int payload empty", 1, 0, 0x01, 0x00);
	ALL("int payload empty, a record follows", 1, 0, 0x01, 0x00, 0x02, 0x01, 0x07);
	ALL("int encoding longer than its record", 1, 1, 0x01, 0x01, 0x20, 0x01, 0x55);
	ALL("int encoding shorter than its record", 1, 3, 0x01, 0x03, 0x05, 0xee, 0xee);
	ALL("int encoding past the end of the buffer", 1, 1, 0x01, 0x01, 0x30);
	ALL("int with 9 nibbles in a 5-byte record", 1, 5, 0x01, 0x05, 0x80, 0x00, 0x00, 0x00, 0x01);
	ALL("int64 with 16 nibbles", 1, 9, 0x01, 0x09, 0xf0, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0);
	ALL("int64 with 16 nibbles, cut", 1, 8, 0x01, 0x08, 0xf0, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde);
	ALL("non-canonical int 0x0f in a 1-byte record", 1, 1, 0x01, 0x01, 0x0f);
	ALL("non-canonical int 0x30 0x00 0x01", 1, 3, 0x01, 0x03, 0x30, 0x00, 0x01);
	ALL("string record of 3, wanted tag differs", 9, 3, 0x01, 0x03, 'a', 'b', 'c');
	ALL("fixed wants 4, record has 3", 1, 4, 0x01, 0x03, 'a', 'b', 'c');
	ALL("fixed wants 2, record has 3", 1, 2, 0x01, 0x03, 'a', 'b', 'c');
	ALL("timeval of one integer", 1, 1, 0x01, 0x01, 0x05);
	ALL("timeval of one integer, a record follows", 1, 1, 0x01, 0x01, 0x05, 0x02, 0x01, 0x03);
	ALL("timeval longer than its record", 1, 2, 0x01, 0x02, 0x10, 0x10, 0x10, 0x10);
	ALL("timeval shorter than its record", 1, 4, 0x01, 0x04, 0x05, 0x06, 0x77, 0x77);
	ALL("timeval with a 9-nibble second", 1, 6, 0x01, 0x06, 0x80, 0, 0, 0, 0x01, 0x00);
	ALL("timeval, wanted tag differs", 3, 2, 0x01, 0x02, 0x05, 0x06, 0x42);

	printf("== prefixes of well-formed records\n");
	{
		static const unsigned char rint[] = { 0x80, 0x01, 0x05, 0x7f, 0xee, 0xbd, 0xae, 0xd0 };
		static const unsigned char rint64[] = { 0x81, 0x01, 0x09, 0xf0, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0 };
		static const unsigned char rstr[] = { 0x05, 0x10, 0x10, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h',
			'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p' };
		static const unsigned char rtv[] = { 0xff, 0xff, 0xff, 0xff, 0x0f, 0x08, 0x70, 0x01, 0xf3, 0x55,
			0x60, 0x40, 0x42, 0xe1 };
		prefixes("int 0x80", rint, sizeof rint, 0x80, 5);
		prefixes("int64 0x81", rint64, sizeof rint64, 0x81, 9);
		prefixes("string 5", rstr, sizeof rstr, 5, 16);
		prefixes("timeval 0xffffffff", rtv, sizeof rtv, 0xffffffff, 8);
	}

	evbuffer_free(dst);
	printf("done\n");
	return 0;
}
