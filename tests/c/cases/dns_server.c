/* dns_server: evdns_add_server_port_with_base serving queries a plain UDP
 * client sends (raw bytes). The callback sees flags (RD and CD kept), the
 * questions and the client's address; replies (compared byte for byte, in
 * hex) built with add_a/aaaa/cname/ptr_reply and add_reply in the three
 * sections (raw data and names), set_flags, respond with an RCODE, name
 * compression, a reply over 512 bytes (cut, TC set), a request answered
 * later from a timer, respond with a bad code (-1, request kept), drop.
 * Queries ignored: a response (QR set), no question, a truncated name; an
 * opcode other than QUERY is served (libevent masks it away before it
 * checks it). evdns_close_server_port closes the socket at once, or when
 * the last request is answered. */
#include <event2/dns.h>
#include <event2/dns_struct.h>
#include <event2/event.h>
#include <fcntl.h>

#include "testcase.h"
#include "dnstest.h"

static struct event_base *base;
static int cfd;                    /* the client */
static struct sockaddr_in srv_addr;
static struct evdns_server_request *later;
static int got_reply;

static void hex(const unsigned char *p, int n)
{
	for (int i = 0; i < n; i++)
		printf("%s%02x", i && i % 32 == 0 ? "\n      " : "", p[i]);
	printf("\n");
}

static void server_cb(struct evdns_server_request *req, void *arg)
{
	struct sockaddr_storage ss;
	(void)arg;
	printf("  request: flags=%#x nquestions=%d", req->flags, req->nquestions);
	for (int i = 0; i < req->nquestions; i++)
		printf(" [%s type %d class %d]", req->questions[i]->name, req->questions[i]->type,
		    req->questions[i]->dns_question_class);
	int r = evdns_server_request_get_requesting_addr(req, (struct sockaddr *)&ss, sizeof ss);
	int small = evdns_server_request_get_requesting_addr(req, (struct sockaddr *)&ss, 4);
	printf(" addr: len %d family %d loopback %s, small %d\n", r, ss.ss_family,
	    tc_yesno(((struct sockaddr_in *)&ss)->sin_addr.s_addr == htonl(0x7f000001)), small);
	const char *name = req->nquestions ? req->questions[0]->name : "";
	if (!strcmp(name, "www.example.com")) {
		static const unsigned char a4[8] = { 10, 0, 0, 1, 10, 0, 0, 2 };
		static const unsigned char a6[16] = { 0xfd, 0, [15] = 1 };
		printf("  add_a: %d\n", evdns_server_request_add_a_reply(req, name, 2, a4, 60));
		printf("  add_aaaa: %d\n", evdns_server_request_add_aaaa_reply(req, name, 1, a6, 70));
		printf("  add_cname: %d\n", evdns_server_request_add_cname_reply(req, "alias.example.com",
		    "www.example.com", 80));
		evdns_server_request_set_flags(req, EVDNS_FLAGS_AA);
		printf("  respond: %d\n", evdns_server_request_respond(req, 0));
	} else if (!strcmp(name, "ptr.test")) {
		struct in_addr in;
		inet_pton(AF_INET, "192.0.2.7", &in);
		printf("  add_ptr both: %d\n", evdns_server_request_add_ptr_reply(req, &in, "x", "h", 1));
		printf("  add_ptr none: %d\n", evdns_server_request_add_ptr_reply(req, NULL, NULL, "h", 1));
		printf("  add_ptr in: %d\n", evdns_server_request_add_ptr_reply(req, &in, NULL, "host.example", 90));
		printf("  add_ptr name: %d\n", evdns_server_request_add_ptr_reply(req, NULL,
		    "8.2.0.192.in-addr.arpa", "host2.example", 91));
		printf("  respond: %d\n", evdns_server_request_respond(req, 0));
	} else if (!strcmp(name, "generic.test")) {
		printf("  add answer raw: %d\n", evdns_server_request_add_reply(req, EVDNS_ANSWER_SECTION,
		    "generic.test", EVDNS_TYPE_TXT, EVDNS_CLASS_INET, 10, 6, 0, "\005hello"));
		printf("  add authority name: %d\n", evdns_server_request_add_reply(req, EVDNS_AUTHORITY_SECTION,
		    "test", EVDNS_TYPE_NS, EVDNS_CLASS_INET, 20, -1, 1, "ns1.generic.test"));
		printf("  add additional raw: %d\n", evdns_server_request_add_reply(req, EVDNS_ADDITIONAL_SECTION,
		    "ns1.generic.test", EVDNS_TYPE_A, EVDNS_CLASS_INET, 30, 4, 0, "\x0a\x00\x00\x35"));
		printf("  add section 3: %d\n", evdns_server_request_add_reply(req, 3, "x", 1, 1, 1, 0, 0, NULL));
		printf("  add no data: %d\n", evdns_server_request_add_reply(req, EVDNS_ANSWER_SECTION, "empty.test",
		    EVDNS_TYPE_TXT, EVDNS_CLASS_INET, 5, 0, 0, NULL));
		evdns_server_request_set_flags(req, EVDNS_FLAGS_AA | EVDNS_FLAGS_RD);
		printf("  respond: %d\n", evdns_server_request_respond(req, 0));
	} else if (!strcmp(name, "big.test")) {
		for (int i = 0; i < 40; i++) {
			char n[64];
			unsigned char a[4] = { 10, 1, 0, (unsigned char)i };
			snprintf(n, sizeof n, "host-number-%02d.big.test", i);
			evdns_server_request_add_a_reply(req, n, 1, a, 60);
		}
		printf("  respond: %d\n", evdns_server_request_respond(req, 0));
	} else if (!strcmp(name, "nx.test")) {
		printf("  respond bad code 16: %d\n", evdns_server_request_respond(req, 16));
		printf("  respond bad code -1: %d\n", evdns_server_request_respond(req, -1));
		printf("  respond NXDOMAIN: %d\n", evdns_server_request_respond(req, DNS_ERR_NOTEXIST));
	} else if (!strcmp(name, "drop.test")) {
		printf("  drop: %d\n", evdns_server_request_drop(req));
	} else if (!strcmp(name, "later.test")) {
		later = req;
		printf("  kept for later\n");
	} else {
		printf("  respond REFUSED: %d\n", evdns_server_request_respond(req, DNS_ERR_REFUSED));
	}
}

static void client_read(evutil_socket_t fd, short what, void *arg)
{
	unsigned char buf[2048];
	(void)what; (void)arg;
	ssize_t n = recv(fd, buf, sizeof buf, 0);
	if (n < 0)
		return;
	printf("  reply (%d bytes): ", (int)n);
	hex(buf, (int)n > 96 && n > 400 ? 64 : (int)n);
	if (n > 400)
		printf("  (long reply: TC %s, counts %d/%d/%d/%d)\n", tc_yesno(buf[2] & 2),
		    buf[4] << 8 | buf[5], buf[6] << 8 | buf[7], buf[8] << 8 | buf[9], buf[10] << 8 | buf[11]);
	got_reply = 1;
	event_base_loopexit(base, NULL);
}

/* Sends a query (raw header fields) and runs the loop until a reply, or for
 * 0.3 s when none is expected (a reply then is late: it is printed) and 5 s
 * when one is (a loaded machine may take more than 0.3 s to answer, the first
 * query starting the server's core). */
#define NOREPLY 0
#define REPLY 1
static void query(int expect, const char *what, int id, int flags, int qd, const char *name, int qtype)
{
	unsigned char q[512];
	int off = 0;
	printf("%s:\n", what);
	off = tc_dns_put16(q, off, id);
	off = tc_dns_put16(q, off, flags);
	off = tc_dns_put16(q, off, qd);
	off = tc_dns_put16(q, off, 0);
	off = tc_dns_put16(q, off, 0);
	off = tc_dns_put16(q, off, 0);
	for (int i = 0; i < qd; i++) {
		off = tc_dns_name(q, off, name);
		off = tc_dns_put16(q, off, qtype);
		off = tc_dns_put16(q, off, 1);
	}
	if (qd < 0) /* a truncated name */
		q[4] = 0, q[5] = 1, q[off++] = 20, q[off++] = 'a';
	if (sendto(cfd, q, (size_t)off, 0, (struct sockaddr *)&srv_addr, sizeof srv_addr) < 0)
		printf("  sendto failed\n");
	struct timeval guard = { expect ? 5 : 0, expect ? 0 : 300000 };
	got_reply = 0;
	event_base_loopexit(base, &guard);
	event_base_dispatch(base);
	if (!got_reply)
		printf("  no reply\n");
}

static void answer_later(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	static const unsigned char a4[4] = { 10, 9, 9, 9 };
	int a = evdns_server_request_add_a_reply(later, "later.test", 1, a4, 5);
	int r = evdns_server_request_respond(later, 0);
	printf("  timer: add_a %d, respond %d\n", a, r);
}

int main(void)
{
	socklen_t len = sizeof srv_addr;
	tc_alarm("dns_server", 15);
	base = event_base_new();
	int sfd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&srv_addr, 0, sizeof srv_addr);
	srv_addr.sin_family = AF_INET;
	srv_addr.sin_addr.s_addr = htonl(0x7f000001);
	bind(sfd, (struct sockaddr *)&srv_addr, sizeof srv_addr);
	getsockname(sfd, (struct sockaddr *)&srv_addr, &len);
	evutil_make_socket_nonblocking(sfd);
	cfd = socket(AF_INET, SOCK_DGRAM, 0);
	evutil_make_socket_nonblocking(cfd);
	struct event *cev = event_new(base, cfd, EV_READ | EV_PERSIST, client_read, NULL);
	event_add(cev, NULL);

	printf("flags 1: %s\n", tc_yesno(evdns_add_server_port_with_base(base, sfd, 1, server_cb, NULL) != NULL));
	struct evdns_server_port *port = evdns_add_server_port_with_base(base, sfd, 0, server_cb, NULL);
	printf("port: %s\n", tc_yesno(port != NULL));

	query(REPLY, "A query, RD", 0x1234, 0x0100, 1, "www.example.com", 1);
	query(REPLY, "CD and AD set, opcode 0", 0x1235, 0x0030, 1, "other.test", 1);
	query(REPLY, "PTR", 0x1236, 0x0100, 1, "ptr.test", 12);
	query(REPLY, "generic", 0x1237, 0x0000, 1, "generic.test", 16);
	query(REPLY, "big", 0x1238, 0x0100, 1, "big.test", 1);
	query(REPLY, "nx", 0x1239, 0x0100, 1, "nx.test", 1);
	query(NOREPLY, "drop", 0x123a, 0x0100, 1, "drop.test", 1);
	query(REPLY, "two questions", 0x123b, 0x0100, 2, "q2.test", 28);
	query(REPLY, "opcode STATUS", 0x123c, 0x1100, 1, "status.test", 1);
	query(NOREPLY, "a response (QR)", 0x123d, 0x8100, 1, "qr.test", 1);
	query(NOREPLY, "no question", 0x123e, 0x0100, 0, "", 1);
	query(NOREPLY, "truncated name", 0x123f, 0x0100, -1, "", 1);

	printf("later, port closed meanwhile:\n");
	query(NOREPLY, "later", 0x1240, 0x0100, 1, "later.test", 1);
	evdns_close_server_port(port);
	printf("  socket open after close: %s\n", tc_yesno(tc_fd_open(sfd)));
	query(NOREPLY, "after close (still served)", 0x1241, 0x0100, 1, "drop.test", 1);
	struct event *t = evtimer_new(base, answer_later, NULL);
	struct timeval tv = { 0, 50000 };
	evtimer_add(t, &tv);
	struct timeval guard = { 5, 0 };  /* the reply ends the loop */
	got_reply = 0;
	event_base_loopexit(base, &guard);
	event_base_dispatch(base);
	printf("  reply: %s, socket open now: %s\n", tc_yesno(got_reply), tc_yesno(tc_fd_open(sfd)));

	/* a port with nothing pending closes at once */
	sfd = socket(AF_INET, SOCK_DGRAM, 0);
	evutil_make_socket_nonblocking(sfd);
	port = evdns_add_server_port_with_base(base, sfd, 0, server_cb, NULL);
	evdns_close_server_port(port);
	printf("second port closed at once: %s\n", tc_yesno(!tc_fd_open(sfd)));

	event_free(t);
	event_free(cev);
	close(cfd);
	event_base_free(base);
	printf("done\n");
	return 0;
}
