/* tag_generated: messages in the shape of event_rpcgen.py's generated code
 * (support/rpcmsg.h, written by hand), marshalled and unmarshalled with
 * evtag: the EVTAG_* accessor macros of event2/rpc.h and the variadic ones
 * of rpc_compat.h, optional members, arrays, a nested message, fixed
 * bytes; the marshalled bytes; incomplete and malformed messages, which
 * generated code reports through event_warnx (libevent exports it without
 * declaring it; the texts printed are the program's own formats). */
#include <errno.h>
#include <stdio.h>

#include "rpcmsg.h"
#include <event2/rpc_compat.h>
#include "testcase.h"

static void hex(const char *label, struct evbuffer *b)
{
	size_t n = evbuffer_get_length(b), i;
	unsigned char *p = evbuffer_pullup(b, -1);
	printf("%s: %zu bytes:", label, n);
	for (i = 0; i < n; i++)
		printf(" %02x", p[i]);
	printf("\n");
}

static void show(struct greet_req *r)
{
	char *name = NULL;
	ev_uint32_t count = 0, v = 0;
	ev_uint64_t stamp = 0;
	struct point *where = NULL;
	ev_uint8_t *digest = NULL;
	int i;
	printf("  name %s", EVTAG_GET(r, name, &name) == 0 ? name : "(unset)");
	printf(" count %s", EVTAG_GET(r, count, &count) == 0 ? "set" : "unset");
	printf(" %u", count);
	printf(" stamp %s %#llx", tc_yesno(EVTAG_HAS(r, stamp)),
	    EVTAG_GET(r, stamp, &stamp) == 0 ? (unsigned long long)stamp : 0ull);
	if (EVTAG_HAS(r, where) && EVTAG_GET(r, where, &where) == 0) {
		ev_uint32_t x = 0, y = 0;
		EVTAG_GET(where, x, &x);
		EVTAG_GET(where, y, &y);
		printf(" where %u,%u", x, y);
	}
	printf(" values %d:", EVTAG_ARRAY_LEN(r, values));
	for (i = 0; i < EVTAG_LEN(r, values); i++) {
		EVTAG_ARRAY_GET(r, values, i, &v);
		printf(" %u", v);
	}
	if (EVTAG_GET(r, digest, &digest) == 0)
		printf(" digest %02x%02x%02x%02x", digest[0], digest[1], digest[2], digest[3]);
	printf("\n");
}

int main(void)
{
	struct evbuffer *b, *c;
	struct greet_req *r, *r2;
	struct greet_rpl *p, *p2;
	struct point *pt;
	static const ev_uint8_t dg[4] = { 0xde, 0xad, 0xbe, 0xef };
	int res;

	tc_alarm("tag_generated", 10);
	tc_log_capture();
	b = evbuffer_new();
	c = evbuffer_new();

	printf("-- a request with every member\n");
	r = greet_req_new();
	EVTAG_ASSIGN(r, name, "world");
	EVTAG_ASSIGN(r, count, 3);
	EVTAG_ASSIGN(r, stamp, 0x1122334455667788ull);
	pt = point_new();
	EVTAG_ASSIGN(pt, x, 640);
	EVTAG_ASSIGN(pt, y, 480);
	EVTAG_ASSIGN(r, where, pt);
	point_free(pt);
	EVTAG_ARRAY_ADD_VALUE(r, values, 1);
	EVTAG_ARRAY_ADD_VALUE(r, values, 0xffffffff);
	EVTAG_ADD(r, values, 70000);
	EVTAG_ASSIGN(r, digest, dg);
	printf("complete %d\n", greet_req_complete(r));
	show(r);
	greet_req_marshal(b, r);
	hex("marshalled", b);
	evbuffer_add_buffer(c, b);
	r2 = greet_req_new_with_arg(NULL);
	res = greet_req_unmarshal(r2, c);
	printf("unmarshal %d, left %zu\n", res, evbuffer_get_length(c));
	show(r2);
	greet_req_free(r2);
	greet_req_clear(r);
	printf("after clear: complete %d, has name %s\n", greet_req_complete(r), tc_yesno(EVTAG_HAS(r, name)));
	greet_req_free(r);

	printf("-- only the required members\n");
	r = greet_req_new();
	EVTAG_ASSIGN(r, name, "");
	EVTAG_ASSIGN(r, count, 0);
	greet_req_marshal(b, r);
	hex("marshalled", b);
	r2 = greet_req_new();
	printf("unmarshal %d\n", greet_req_unmarshal(r2, b));
	show(r2);
	greet_req_free(r2);
	greet_req_free(r);

	printf("-- replies with a byte array\n");
	p = greet_rpl_new();
	EVTAG_ASSIGN(p, text, "hello");
	EVTAG_ASSIGN(p, sum, 12345);
	EVTAG_ASSIGN_WITH_LEN(p, blob, (const ev_uint8_t *)"\0\1\2\3\4", 5);
	greet_rpl_marshal(b, p);
	hex("marshalled", b);
	p2 = greet_rpl_new();
	res = greet_rpl_unmarshal(p2, b);
	{
		ev_uint8_t *blob = NULL;
		ev_uint32_t len = 0;
		EVTAG_GET_WITH_LEN(p2, blob, &blob, &len);
		printf("unmarshal %d: text %s sum %u blob %u bytes, last %u\n", res, p2->text_data,
		    p2->sum_data, len, len ? blob[len - 1] : 0);
	}
	greet_rpl_free(p2);
	greet_rpl_free(p);

	printf("-- incomplete and malformed\n");
	r = greet_req_new();
	EVTAG_ASSIGN(r, name, "x");
	printf("without count: complete %d\n", greet_req_complete(r));
	evtag_marshal_string(b, GREET_REQ_NAME, "x");
	r2 = greet_req_new();
	tc_log_reset();
	printf("unmarshal without count: %d, warnings %d\n", greet_req_unmarshal(r2, b), tc_log_.n);
	greet_req_free(r2);
	evbuffer_drain(b, evbuffer_get_length(b));
	/* a count whose record is cut */
	evtag_marshal_string(b, GREET_REQ_NAME, "x");
	evbuffer_add(b, "\x02\x05\x01", 3);
	r2 = greet_req_new();
	tc_log_reset();
	res = greet_req_unmarshal(r2, b);
	printf("unmarshal with a cut count: %d, warnings %d [%s] severity %d\n", res, tc_log_.n,
	    tc_log_.last, tc_log_.last_severity);
	greet_req_free(r2);
	evbuffer_drain(b, evbuffer_get_length(b));
	/* a nested message with an unknown member */
	evtag_marshal_string(b, GREET_REQ_NAME, "x");
	evtag_marshal_int(b, GREET_REQ_COUNT, 1);
	evtag_marshal_int(c, 9, 9);
	evtag_marshal_buffer(b, GREET_REQ_WHERE, c);
	r2 = greet_req_new();
	tc_log_reset();
	res = greet_req_unmarshal(r2, b);
	printf("unmarshal with a bad nested message: %d, warnings %d [%s]\n", res, tc_log_.n, tc_log_.last);
	greet_req_free(r2);
	evbuffer_drain(b, evbuffer_get_length(b));
	/* a member twice, an unknown tag */
	evtag_marshal_string(b, GREET_REQ_NAME, "x");
	evtag_marshal_string(b, GREET_REQ_NAME, "y");
	r2 = greet_req_new();
	printf("a member twice: %d\n", greet_req_unmarshal(r2, b));
	greet_req_free(r2);
	evbuffer_drain(b, evbuffer_get_length(b));
	greet_req_free(r);

	printf("-- event_warn and event_warnx themselves\n");
	tc_log_reset();
	event_warnx("%s: %d", "warnx", 42);
	printf("warnx: [%s] severity %d\n", tc_log_.last, tc_log_.last_severity);
	errno = ENOMEM;
	event_warn("%s: malloc", "warn");
	printf("warn: [%s] severity %d\n", tc_log_.last, tc_log_.last_severity);
	errno = 0;
	event_warn("no error");
	printf("warn, errno 0: [%s]\n", tc_log_.last);

	evbuffer_free(b);
	evbuffer_free(c);
	printf("done\n");
	return 0;
}
