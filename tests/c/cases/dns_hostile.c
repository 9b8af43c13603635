/* dns_hostile: malformed and hostile replies to evdns lookups. A reply
 * that does not parse ends its request with DNS_ERR_UNKNOWN (or, with an
 * error RCODE, that code), one too short to carry a header is ignored; none
 * crashes, reads outside the datagram or loops: compression loops (in the
 * question and in an answer), a label running past the end, names longer
 * than 255 bytes, pointers past the end, an A record running past the end,
 * more answers announced than present, an A record of 6 bytes, 40 A
 * records (32 are passed on), 90 records (a datagram near the size limit),
 * an empty A record (count 0), records of another class or type (NODATA),
 * a PTR whose target points at the question, two questions of which the
 * second is ours. */
#include <event2/dns.h>
#include <event2/event.h>

#include "testcase.h"
#include "dnstest.h"

static struct event_base *base;

static const char *names[] = {
	"qloop.test", "aloop.test", "pastend.test", "longname.test", "badptr.test",
	"ashort.test", "morecount.test", "a6bytes.test", "forty.test", "ninety.test",
	"empty.test", "chaos.test", "ptrptr.test", "twoq.test", "header5.test",
	"rcodeloop.test",
};
#define N (int)(sizeof names / sizeof names[0])
static char lines[N][1024];
static int ndone;

static int index_of(const struct tc_dns_query *q)
{
	if (q->qtype == 12)
		return 12; /* the reverse lookup */
	for (int i = 0; i < N; i++)
		if (tc_dns_is(q, names[i]))
			return i;
	return -1;
}

static int handler(struct tc_dns_query *q, unsigned char *out, void *arg)
{
	(void)arg;
	int i = index_of(q), off, k;
	switch (i) {
	case 0: /* question name: a pointer to itself */
		off = tc_dns_header(out, q, 0, 0, 1, 0, 0, 0);
		off = tc_dns_put16(out, off, 0xc00c);
		off = tc_dns_put16(out, off, 1);
		return tc_dns_put16(out, off, 1);
	case 1: /* answer owner: a pointer to itself */
		off = tc_dns_header(out, q, 0, 0, 1, 1, 0, 0);
		off = tc_dns_question(out, off, q);
		k = off;
		off = tc_dns_put16(out, off, 0xc000 | k);
		off = tc_dns_put16(out, off, 1), off = tc_dns_put16(out, off, 1);
		off = tc_dns_put32(out, off, 60), off = tc_dns_put16(out, off, 4);
		memcpy(out + off, "\x0a\0\0\x01", 4);
		return off + 4;
	case 2: /* a label of 50 bytes with 3 left */
		off = tc_dns_header(out, q, 0, 0, 1, 1, 0, 0);
		off = tc_dns_question(out, off, q);
		out[off++] = 50;
		memcpy(out + off, "abc", 3);
		return off + 3;
	case 3: /* an owner name of 5 x 63-byte labels (over 255 bytes) */
		off = tc_dns_header(out, q, 0, 0, 1, 1, 0, 0);
		off = tc_dns_question(out, off, q);
		for (k = 0; k < 5; k++) {
			out[off++] = 63;
			memset(out + off, 'x', 63);
			off += 63;
		}
		out[off++] = 0;
		off = tc_dns_put16(out, off, 1), off = tc_dns_put16(out, off, 1);
		off = tc_dns_put32(out, off, 60), off = tc_dns_put16(out, off, 4);
		memcpy(out + off, "\x0a\0\0\x03", 4);
		return off + 4;
	case 4: /* an owner pointer past the end */
		off = tc_dns_header(out, q, 0, 0, 1, 1, 0, 0);
		off = tc_dns_question(out, off, q);
		off = tc_dns_put16(out, off, 0xc000 | 1400);
		off = tc_dns_put16(out, off, 1), off = tc_dns_put16(out, off, 1);
		off = tc_dns_put32(out, off, 60), off = tc_dns_put16(out, off, 4);
		memcpy(out + off, "\x0a\0\0\x04", 4);
		return off + 4;
	case 5: /* an A record whose data runs past the end */
		off = tc_dns_header(out, q, 0, 0, 1, 1, 0, 0);
		off = tc_dns_question(out, off, q);
		off = tc_dns_rr(out, off, 1, 60, 4);
		memcpy(out + off, "\x0a\0", 2);
		return off + 2;
	case 6: /* 5 answers announced, 1 present */
		off = tc_dns_answer(out, q, "10.0.0.6", 60);
		out[7] = 5;
		return off;
	case 7: /* an A record of 6 bytes */
		off = tc_dns_header(out, q, 0, 0, 1, 1, 0, 0);
		off = tc_dns_question(out, off, q);
		off = tc_dns_rr(out, off, 1, 60, 6);
		memcpy(out + off, "\x0a\0\0\x07\0\0", 6);
		return off + 6;
	case 8: case 9: { /* 40 and 90 A records */
		int n = i == 8 ? 40 : 90;
		off = tc_dns_header(out, q, 0, 0, 1, n, 0, 0);
		off = tc_dns_question(out, off, q);
		for (k = 0; k < n; k++) {
			off = tc_dns_rr(out, off, 1, 100 + k, 4);
			out[off++] = 10, out[off++] = (unsigned char)i, out[off++] = 0, out[off++] = (unsigned char)k;
		}
		return off;
	}
	case 10: /* an A record with no data */
		off = tc_dns_header(out, q, 0, 0, 1, 1, 0, 0);
		off = tc_dns_question(out, off, q);
		return tc_dns_rr(out, off, 1, 60, 0);
	case 11: /* an A record of class CH, and a TXT */
		off = tc_dns_header(out, q, 0, 0, 1, 2, 0, 0);
		off = tc_dns_question(out, off, q);
		off = tc_dns_put16(out, off, 0xc00c), off = tc_dns_put16(out, off, 1);
		off = tc_dns_put16(out, off, 3), off = tc_dns_put32(out, off, 60);
		off = tc_dns_put16(out, off, 4);
		memcpy(out + off, "\x0a\0\0\x0b", 4), off += 4;
		off = tc_dns_rr(out, off, 16, 60, 3);
		memcpy(out + off, "\x02hi", 3);
		return off + 3;
	case 12: /* PTR target: a pointer to the question's name */
		off = tc_dns_header(out, q, 0, 0, 1, 1, 0, 0);
		off = tc_dns_question(out, off, q);
		off = tc_dns_rr(out, off, 12, 60, 2);
		return tc_dns_put16(out, off, 0xc00c);
	case 13: /* two questions, the second ours */
		off = tc_dns_header(out, q, 0, 0, 2, 1, 0, 0);
		off = tc_dns_name(out, off, "first.test");
		off = tc_dns_put16(out, off, 1), off = tc_dns_put16(out, off, 1);
		k = off;
		off = tc_dns_question(out, off, q);
		off = tc_dns_put16(out, off, 0xc000 | k);
		off = tc_dns_put16(out, off, 1), off = tc_dns_put16(out, off, 1);
		off = tc_dns_put32(out, off, 60), off = tc_dns_put16(out, off, 4);
		memcpy(out + off, "\x0a\0\0\x0d", 4);
		return off + 4;
	case 14: /* 5 bytes: no header */
		memcpy(out, q->pkt, 2);
		out[2] = 0x81, out[3] = 0x80, out[4] = 0;
		return 5;
	case 15: /* NXDOMAIN whose answer loops: the RCODE is reported */
		off = tc_dns_header(out, q, 3, 0, 1, 1, 0, 0);
		off = tc_dns_question(out, off, q);
		k = off;
		off = tc_dns_put16(out, off, 0xc000 | k);
		return off;
	default:
		return -1;
	}
}

static void cb(int result, char type, int count, int ttl, void *addresses, void *arg)
{
	int i = (int)(long)arg;
	tc_dns_describe(lines[i], sizeof lines[i], result, type, count, ttl, addresses);
	if (++ndone == N)
		event_base_loopexit(base, NULL);
}

int main(void)
{
	struct tc_dns_server srv;
	tc_alarm("dns_hostile", 15);
	if (tc_dns_start(&srv, handler, NULL) != 0)
		return 1;
	base = event_base_new();
	struct evdns_base *dns = evdns_base_new(base, 0);
	evdns_base_nameserver_ip_add(dns, tc_dns_addr(&srv));
	evdns_base_set_option(dns, "timeout", "0.3");
	evdns_base_set_option(dns, "attempts", "1");
	for (int i = 0; i < N; i++) {
		struct evdns_request *r;
		if (i == 12) {
			struct in_addr a;
			inet_pton(AF_INET, "9.9.9.9", &a);
			r = evdns_base_resolve_reverse(dns, &a, 0, cb, (void *)(long)i);
		} else {
			r = evdns_base_resolve_ipv4(dns, names[i], DNS_QUERY_NO_SEARCH, cb, (void *)(long)i);
		}
		if (!r)
			printf("%s: not started\n", names[i]);
	}
	event_base_dispatch(base);
	for (int i = 0; i < N; i++)
		printf("%-15s %s\n", names[i], lines[i]);
	evdns_base_free(dns, 0);
	event_base_free(base);
	tc_dns_stop(&srv);
	printf("done\n");
	return 0;
}
