/*
 * tag_misuse.c - goevent only: evtag calls with a NULL buffer, a NULL
 * output or NULL data get -1 (or do nothing) with a logged warning, never
 * a crash, and leave the buffer as it was. libevent dereferences each of
 * these, so the program checks its expectations itself.
 */
#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/tag.h>

#include "testcase.h"

int evtag_decode_int(ev_uint32_t *pnumber, struct evbuffer *evbuf);
int evtag_decode_int64(ev_uint64_t *pnumber, struct evbuffer *evbuf);
int evtag_encode_tag(struct evbuffer *evbuf, ev_uint32_t tag);
int evtag_decode_tag(ev_uint32_t *ptag, struct evbuffer *evbuf);

int main(void)
{
	struct evbuffer *b, *d;
	ev_uint32_t u;
	ev_uint64_t w;
	char *s;
	char fx[4];
	struct timeval tv = { 1, 2 };

	tc_alarm("tag_misuse", 10);
	tc_log_capture();
	b = evbuffer_new();
	d = evbuffer_new();

	TC_EXPECT_WARN("peek(NULL)", evtag_peek(NULL, &u), -1);
	TC_EXPECT_WARN("peek_length(NULL)", evtag_peek_length(NULL, &u), -1);
	TC_EXPECT_WARN("payload_length(NULL)", evtag_payload_length(NULL, &u), -1);
	TC_EXPECT_WARN("unmarshal_header(NULL)", evtag_unmarshal_header(NULL, &u), -1);
	TC_EXPECT_WARN("consume(NULL)", evtag_consume(NULL), -1);
	TC_EXPECT_WARN("unmarshal(NULL, ...)", evtag_unmarshal(NULL, &u, d), -1);
	TC_EXPECT_WARN("unmarshal_int(NULL)", evtag_unmarshal_int(NULL, 1, &u), -1);
	TC_EXPECT_WARN("unmarshal_int64(NULL)", evtag_unmarshal_int64(NULL, 1, &w), -1);
	TC_EXPECT_WARN("unmarshal_fixed(NULL)", evtag_unmarshal_fixed(NULL, 1, fx, 4), -1);
	TC_EXPECT_WARN("unmarshal_string(NULL)", evtag_unmarshal_string(NULL, 1, &s), -1);
	TC_EXPECT_WARN("unmarshal_timeval(NULL)", evtag_unmarshal_timeval(NULL, 1, &tv), -1);
	TC_EXPECT_WARN("decode_int(NULL)", evtag_decode_int(&u, NULL), -1);
	TC_EXPECT_WARN("decode_int64(NULL)", evtag_decode_int64(&w, NULL), -1);
	TC_EXPECT_WARN("decode_tag(NULL)", evtag_decode_tag(&u, NULL), -1);
	TC_EXPECT_LOGGED("encode_int(NULL)", evtag_encode_int(NULL, 5));
	TC_EXPECT_LOGGED("encode_int64(NULL)", evtag_encode_int64(NULL, 5));
	TC_EXPECT_LOGGED("marshal(NULL)", evtag_marshal(NULL, 1, "x", 1));
	TC_EXPECT_LOGGED("marshal_buffer(NULL, b)", evtag_marshal_buffer(NULL, 1, b));
	TC_EXPECT_LOGGED("marshal_buffer(b, NULL)", evtag_marshal_buffer(b, 1, NULL));
	TC_EXPECT_LOGGED("marshal_int(NULL)", evtag_marshal_int(NULL, 1, 1));
	TC_EXPECT_LOGGED("marshal_int64(NULL)", evtag_marshal_int64(NULL, 1, 1));
	TC_EXPECT_LOGGED("marshal_string(NULL)", evtag_marshal_string(NULL, 1, "x"));
	TC_EXPECT_LOGGED("marshal_timeval(NULL)", evtag_marshal_timeval(NULL, 1, &tv));
	TC_CHECK("encode_tag(NULL) only counts, silently", evtag_encode_tag(NULL, 300) == 2);

	/* NULL outputs and data on a good buffer: refused, the buffer kept */
	evtag_marshal_int(b, 1, 7);
	TC_EXPECT_WARN("peek_length(b, NULL)", evtag_peek_length(b, NULL), -1);
	TC_EXPECT_WARN("payload_length(b, NULL)", evtag_payload_length(b, NULL), -1);
	TC_EXPECT_WARN("unmarshal(b, tag, NULL)", evtag_unmarshal(b, &u, NULL), -1);
	TC_EXPECT_WARN("unmarshal_int(b, NULL)", evtag_unmarshal_int(b, 1, NULL), -1);
	TC_EXPECT_WARN("unmarshal_int64(b, NULL)", evtag_unmarshal_int64(b, 1, NULL), -1);
	TC_EXPECT_WARN("unmarshal_fixed(b, NULL, 1)", evtag_unmarshal_fixed(b, 1, NULL, 1), -1);
	TC_EXPECT_WARN("unmarshal_string(b, NULL)", evtag_unmarshal_string(b, 1, NULL), -1);
	TC_EXPECT_WARN("unmarshal_timeval(b, NULL)", evtag_unmarshal_timeval(b, 1, NULL), -1);
	TC_EXPECT_WARN("decode_int(NULL, b)", evtag_decode_int(NULL, b), -1);
	TC_EXPECT_WARN("decode_int64(NULL, b)", evtag_decode_int64(NULL, b), -1);
	TC_CHECK("the buffer is untouched", evbuffer_get_length(b) == 3);
	TC_EXPECT_LOGGED("marshal(b, NULL data, 3)", evtag_marshal(b, 1, NULL, 3));
	TC_EXPECT_LOGGED("marshal_string(b, NULL)", evtag_marshal_string(b, 1, NULL));
	TC_EXPECT_LOGGED("marshal_timeval(b, NULL)", evtag_marshal_timeval(b, 1, NULL));
	TC_CHECK("nothing was added", evbuffer_get_length(b) == 3);
	u = 0;
	TC_CHECK("the record still decodes", evtag_unmarshal_int(b, 1, &u) == 1 && u == 7);

	/* a freed buffer: the evbuffer layer refuses it */
	evbuffer_free(d);
	tc_log_reset();
	TC_CHECK("peek(freed) fails", evtag_peek(d, &u) == -1);
	TC_CHECK("  and logs", tc_log_.n > 0);

	evbuffer_free(b);
	return tc_exit_status();
}
