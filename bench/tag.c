/*
 * tag.c - evtag benchmarks (plain libevent 2.1 API, one thread, no event
 * loop, no system calls in the timed part).
 *
 *   tag marshal   NAME MSGS [flat]  marshal a message the way event_rpcgen.py's
 *                                   generated code does (below); the buffer is
 *                                   drained every 64 messages. ns per message
 *   tag unmarshal NAME MSGS [flat]  unmarshal such messages the way generated
 *                                   code does: evtag_peek, then the typed
 *                                   decoder of each field, the nested message
 *                                   through a temporary evbuffer; batches of
 *                                   64 messages are marshalled untimed.
 *                                   ns per message
 *
 * The message: an int, an int64, a 12-byte string, a timeval, 16 bytes of
 * fixed data, a nested message of two ints, and an array of four ints:
 * 10 records, 78 bytes. Generated code marshals and unmarshals a nested
 * message through a temporary evbuffer (evbuffer_new, evtag_marshal_buffer
 * or evtag_unmarshal, evbuffer_free); "flat" writes its two ints as
 * records of the outer message instead, so that only evtag calls are
 * timed. Both shapes check the values they decode.
 * Times are CPU time of the process (cpu_now in bench.h).
 * RESULT name=NAME value=... unit=ns/msg
 */
#include "bench.h"

#include <event2/buffer.h>
#include <event2/tag.h>
#include <event2/util.h>

#define LIMIT 60.0 /* seconds: every timed loop gives up after this */

struct point { ev_uint32_t x, y; };
struct msg {
	ev_uint32_t id;
	ev_uint64_t stamp;
	char *name;
	struct timeval when;
	unsigned char digest[16];
	struct point at;
	ev_uint32_t counts[4];
	int ncounts;
};

enum { T_ID = 1, T_STAMP, T_NAME, T_WHEN, T_DIGEST, T_AT, T_COUNTS };
enum { P_X = 21, P_Y };	/* distinct from the outer tags: "flat" mixes them */

static void point_marshal(struct evbuffer *b, const struct point *p)
{
	evtag_marshal_int(b, P_X, p->x);
	evtag_marshal_int(b, P_Y, p->y);
}

static int flat;

static void msg_marshal(struct evbuffer *b, const struct msg *m)
{
	struct evbuffer *tmp;
	int i;
	evtag_marshal_int(b, T_ID, m->id);
	evtag_marshal_int64(b, T_STAMP, m->stamp);
	evtag_marshal_string(b, T_NAME, m->name);
	evtag_marshal_timeval(b, T_WHEN, (struct timeval *)&m->when);
	evtag_marshal(b, T_DIGEST, m->digest, sizeof m->digest);
	if (flat) {
		point_marshal(b, &m->at);
	} else {
		tmp = evbuffer_new();	/* generated code makes one per nested message */
		point_marshal(tmp, &m->at);
		evtag_marshal_buffer(b, T_AT, tmp);
		evbuffer_free(tmp);
	}
	for (i = 0; i < m->ncounts; i++)
		evtag_marshal_int(b, T_COUNTS, m->counts[i]);
}

static int point_unmarshal(struct point *p, struct evbuffer *b)
{
	ev_uint32_t tag;
	while (evbuffer_get_length(b) > 0) {
		if (evtag_peek(b, &tag) == -1)
			return -1;
		switch (tag) {
		case P_X: if (evtag_unmarshal_int(b, P_X, &p->x) == -1) return -1; break;
		case P_Y: if (evtag_unmarshal_int(b, P_Y, &p->y) == -1) return -1; break;
		default: return -1;
		}
	}
	return 0;
}

static int msg_unmarshal(struct msg *m, struct evbuffer *b)
{
	ev_uint32_t tag;
	struct evbuffer *tmp;
	int r;
	m->ncounts = 0;
	while (evbuffer_get_length(b) > 0) {
		if (evtag_peek(b, &tag) == -1)
			return -1;
		switch (tag) {
		case T_ID: if (evtag_unmarshal_int(b, T_ID, &m->id) == -1) return -1; break;
		case T_STAMP: if (evtag_unmarshal_int64(b, T_STAMP, &m->stamp) == -1) return -1; break;
		case T_NAME: if (evtag_unmarshal_string(b, T_NAME, &m->name) == -1) return -1; break;
		case T_WHEN: if (evtag_unmarshal_timeval(b, T_WHEN, &m->when) == -1) return -1; break;
		case T_DIGEST:
			if (evtag_unmarshal_fixed(b, T_DIGEST, m->digest, sizeof m->digest) == -1)
				return -1;
			break;
		case P_X: if (evtag_unmarshal_int(b, P_X, &m->at.x) == -1) return -1; break;
		case P_Y: if (evtag_unmarshal_int(b, P_Y, &m->at.y) == -1) return -1; break;
		case T_AT:
			tmp = evbuffer_new();
			r = evtag_unmarshal(b, &tag, tmp) == -1 || point_unmarshal(&m->at, tmp) == -1;
			evbuffer_free(tmp);
			if (r)
				return -1;
			break;
		case T_COUNTS:
			if (m->ncounts == 4 || evtag_unmarshal_int(b, T_COUNTS, &m->counts[m->ncounts]) == -1)
				return -1;
			m->ncounts++;
			break;
		default:
			return -1;
		}
		/* one message per buffer in generated code; here a batch: stop
		 * after the last field */
		if (tag == T_COUNTS && m->ncounts == 4)
			return 0;
	}
	return -1;
}

static void sample(struct msg *m, long i)
{
	static char name[] = "sensor-00042";
	memset(m, 0, sizeof *m);
	m->id = (ev_uint32_t)i;
	m->stamp = 0x0123456789abcdefull + (ev_uint64_t)i;
	m->name = name;
	m->when.tv_sec = 1700000000 + i;
	m->when.tv_usec = i % 1000000;
	memset(m->digest, (int)(i & 0xff), sizeof m->digest);
	m->at.x = 640;
	m->at.y = (ev_uint32_t)i & 0xffff;
	m->ncounts = 4;
	m->counts[0] = 1;
	m->counts[1] = 300;
	m->counts[2] = 70000;
	m->counts[3] = (ev_uint32_t)i;
}

static void check(const struct msg *m, long i)
{
	struct msg want;
	sample(&want, i);
	if (m->id != want.id || m->stamp != want.stamp || strcmp(m->name, want.name) != 0 ||
	    m->when.tv_sec != want.when.tv_sec || m->when.tv_usec != want.when.tv_usec ||
	    memcmp(m->digest, want.digest, sizeof m->digest) != 0 || m->at.x != want.at.x ||
	    m->at.y != want.at.y || m->ncounts != 4 || m->counts[3] != want.counts[3])
		failf("message %ld decoded wrong", i);
}

static void result(const char *name, double value, long n, double el, size_t bytes)
{
	printf("RESULT name=%s value=%.4f unit=ns/msg msgs=%ld cpu_secs=%.6f bytes_per_msg=%zu\n",
	    name, value, n, el, bytes);
}

static int marshal_main(const char *name, long n)
{
	struct evbuffer *b = evbuffer_new();
	struct msg m;
	size_t per;
	long i;
	double t0 = now_sec(), c0, el;

	sample(&m, 1);
	msg_marshal(b, &m);
	per = evbuffer_get_length(b);
	evbuffer_drain(b, per);
	for (i = 0; i < 10000; i++) {	/* warm-up */
		msg_marshal(b, &m);
		if ((i & 63) == 63)
			evbuffer_drain(b, evbuffer_get_length(b));
	}
	evbuffer_drain(b, evbuffer_get_length(b));
	c0 = cpu_now();
	for (i = 0; i < n; i++) {
		m.id = (ev_uint32_t)i;
		msg_marshal(b, &m);
		if ((i & 63) == 63) {
			if (evbuffer_get_length(b) < 64 * (per - 2))
				failf("marshal: short buffer");
			evbuffer_drain(b, evbuffer_get_length(b));
			if ((i & 0xffff) == 0xffff && now_sec() - t0 > LIMIT)
				failf("timed loop exceeded %.0f s", LIMIT);
		}
	}
	el = cpu_now() - c0;
	result(name, el * 1e9 / (double)n, n, el, per);
	evbuffer_free(b);
	return 0;
}

static int unmarshal_main(const char *name, long n)
{
	struct evbuffer *b = evbuffer_new();
	struct msg m, out;
	long i, done = 0;
	double t0 = now_sec(), el = 0;
	size_t per;

	sample(&m, 0);
	msg_marshal(b, &m);
	per = evbuffer_get_length(b);
	evbuffer_drain(b, per);
	for (int warm = 1; warm >= 0; warm--) {
		long total = warm ? 10000 : n;
		for (done = 0; done < total;) {
			long k = total - done < 64 ? total - done : 64;
			double c0;
			for (i = 0; i < k; i++) {
				sample(&m, done + i);
				msg_marshal(b, &m);
			}
			c0 = cpu_now();
			for (i = 0; i < k; i++) {
				memset(&out, 0, sizeof out);
				if (msg_unmarshal(&out, b) != 0)
					failf("unmarshal failed at message %ld", done + i);
				if (!warm && i == k - 1)
					check(&out, done + i);
				free(out.name);
			}
			if (!warm)
				el += cpu_now() - c0;
			if (evbuffer_get_length(b) != 0)
				failf("unmarshal: %zu bytes left", evbuffer_get_length(b));
			done += k;
			if (now_sec() - t0 > LIMIT)
				failf("timed loop exceeded %.0f s", LIMIT);
		}
	}
	result(name, el * 1e9 / (double)n, n, el, per);
	evbuffer_free(b);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: tag marshal|unmarshal NAME MSGS [flat]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 5 && !strcmp(argv[4], "flat"))
		flat = 1;
	else if (argc != 4)
		usage();
	long n = atol(argv[3]);
	if (n < 1)
		usage();
	if (!strcmp(argv[1], "marshal"))
		return marshal_main(argv[2], n);
	if (!strcmp(argv[1], "unmarshal"))
		return unmarshal_main(argv[2], n);
	usage();
	return 2;
}
