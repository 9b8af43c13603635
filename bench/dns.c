/*
 * dns.c - evdns benchmarks (bench/README.md).
 *
 *   dns lookups NAME INFLIGHT TOTAL   lookups per second: evdns_base_resolve_ipv4
 *                                     with INFLIGHT requests in flight, against a
 *                                     responder process of our own (plain sockets,
 *                                     recvmmsg/sendmmsg) on 127.0.0.1
 *   dns memory NAME N                 bytes of RSS per request in flight: N
 *                                     requests to a socket that never answers
 *   dns serve PORTFILE                an evdns_add_server_port server answering
 *                                     every query with one A record, until SIGTERM
 *                                     (bench/run.sh points dnsperf at it)
 */
#include "bench.h"

#include <arpa/inet.h>
#include <event2/dns.h>
#include <event2/dns_struct.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

static int udp_socket(int *port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(0x7f000001);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) != 0)
		failf("udp socket: %s", strerror(errno));
	*port = ntohs(sin.sin_port);
	/* a burst of 1000 queries must not overflow the responder's socket
	 * (the FORCE variants need root; else the system's maximum) */
	int big = 4 << 20;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big) != 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof big) != 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
	return fd;
}

/* The responder: answers every query with one A record, in batches. */
static void responder(int fd)
{
	enum { B = 64 };
	static unsigned char buf[B][512];
	static struct sockaddr_in from[B];
	struct mmsghdr msgs[B];
	struct iovec iov[B];
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (;;) {
		for (int i = 0; i < B; i++) {
			iov[i].iov_base = buf[i];
			iov[i].iov_len = sizeof buf[i] - 16;
			memset(&msgs[i], 0, sizeof msgs[i]);
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
			msgs[i].msg_hdr.msg_name = &from[i];
			msgs[i].msg_hdr.msg_namelen = sizeof from[i];
		}
		int n = recvmmsg(fd, msgs, B, MSG_WAITFORONE, NULL);
		if (n <= 0)
			continue;
		for (int i = 0; i < n; i++) {
			unsigned char *p = buf[i];
			int len = (int)msgs[i].msg_len;
			if (len < 12) {
				iov[i].iov_len = 0;
				continue;
			}
			static const unsigned char rr[16] = { 0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 0, 1 };
			p[2] = 0x81, p[3] = 0x80;   /* QR RD, RA */
			p[6] = 0, p[7] = 1;         /* one answer */
			memcpy(p + len, rr, sizeof rr);
			iov[i].iov_len = (size_t)len + sizeof rr;
			msgs[i].msg_hdr.msg_namelen = sizeof from[i];
		}
		sendmmsg(fd, msgs, (unsigned)n, 0);
	}
}

static struct event_base *base;
static struct evdns_base *dns;
static long started, done, total, failed_n;

static void start_one(void);

static void lookup_cb(int result, char type, int count, int ttl, void *addrs, void *arg)
{
	(void)type; (void)count; (void)ttl; (void)addrs; (void)arg;
	if (result != DNS_ERR_NONE)
		failed_n++;
	done++;
	if (started < total)
		start_one();
	else if (done == total)
		event_base_loopbreak(base);
}

static void start_one(void)
{
	char name[64];
	snprintf(name, sizeof name, "h%ld.bench.test", started++);
	if (!evdns_base_resolve_ipv4(dns, name, DNS_QUERY_NO_SEARCH, lookup_cb, NULL))
		failf("evdns_base_resolve_ipv4 failed");
}

/* Runs `count` lookups with `inflight` in flight; returns the wall time. */
static double run_lookups(long inflight, long count)
{
	started = done = failed_n = 0;
	total = count;
	double t0 = now_sec();
	for (long i = 0; i < inflight && started < total; i++)
		start_one();
	event_base_dispatch(base);
	if (done != total)
		failf("%ld of %ld lookups done", done, total);
	if (failed_n)
		failf("%ld lookups failed", failed_n);
	return now_sec() - t0;
}

static void setup(int port, long inflight)
{
	char addr[32], v[32];
	base = event_base_new();
	dns = evdns_base_new(base, 0);
	if (!base || !dns)
		failf("evdns_base_new");
	snprintf(addr, sizeof addr, "127.0.0.1:%d", port);
	snprintf(v, sizeof v, "%ld", inflight);
	/* so-rcvbuf first: it applies to nameservers added afterwards (the
	 * kernel caps it at net.core.rmem_max) */
	if (evdns_base_set_option(dns, "so-rcvbuf:", "4194304") != 0 ||
	    evdns_base_nameserver_ip_add(dns, addr) != 0 ||
	    evdns_base_set_option(dns, "max-inflight:", v) != 0 ||
	    evdns_base_set_option(dns, "timeout:", "10") != 0)
		failf("evdns configuration");
}

static int lookups(const char *name, long inflight, long count)
{
	int port, fd = udp_socket(&port);
	pid_t pid = fork();
	if (pid == 0)
		responder(fd);
	close(fd);
	setup(port, inflight);
	run_lookups(inflight, count / 10 + 100); /* warm-up */
	double c0 = cpu_now();
	double el = run_lookups(inflight, count);
	double cpu = cpu_now() - c0;
	printf("RESULT name=%s value=%.0f unit=lookups/s cpu_us_per_lookup=%.2f inflight=%ld lookups=%ld\n",
	    name, count / el, cpu / count * 1e6, inflight, count);
	evdns_base_free(dns, 0);
	event_base_free(base);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return 0;
}

static void never_cb(int result, char type, int count, int ttl, void *addrs, void *arg)
{
	(void)result; (void)type; (void)count; (void)ttl; (void)addrs; (void)arg;
}

static int memory(const char *name, long n)
{
	int port, fd = udp_socket(&port); /* nobody reads it: no answers */
	int small = 4096;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
	setup(port, n);
	/* one request first: the core (and its runtime) are up before r0 */
	evdns_base_resolve_ipv4(dns, "first.bench.test", DNS_QUERY_NO_SEARCH, never_cb, NULL);
	event_base_loop(base, EVLOOP_NONBLOCK);
	long r0 = rss_bytes();
	for (long i = 0; i < n; i++) {
		char nm[64];
		snprintf(nm, sizeof nm, "m%ld.bench.test", i);
		if (!evdns_base_resolve_ipv4(dns, nm, DNS_QUERY_NO_SEARCH, never_cb, NULL))
			failf("resolve failed");
	}
	event_base_loop(base, EVLOOP_NONBLOCK);
	long r1 = rss_bytes();
	printf("RESULT name=%s value=%.0f unit=B/request requests=%ld\n", name, (double)(r1 - r0) / n, n);
	evdns_base_free(dns, 0);
	event_base_free(base);
	close(fd);
	return 0;
}

static void server_cb(struct evdns_server_request *req, void *arg)
{
	static const unsigned char a[4] = { 10, 0, 0, 1 };
	(void)arg;
	if (req->nquestions == 1 && req->questions[0]->type == EVDNS_TYPE_A)
		evdns_server_request_add_a_reply(req, req->questions[0]->name, 1, a, 60);
	evdns_server_request_respond(req, 0);
}

static void on_term(evutil_socket_t s, short w, void *arg)
{
	(void)s; (void)w;
	event_base_loopbreak(arg);
}

static int serve(const char *portfile)
{
	int port, fd = udp_socket(&port);
	evutil_make_socket_nonblocking(fd);
	base = event_base_new();
	struct evdns_server_port *p = evdns_add_server_port_with_base(base, fd, 0, server_cb, NULL);
	struct event *term = evsignal_new(base, SIGTERM, on_term, base);
	if (!p || !term || event_add(term, NULL) != 0)
		failf("server port");
	FILE *f = fopen(portfile, "w");
	if (!f)
		failf("%s: %s", portfile, strerror(errno));
	fprintf(f, "%d\n", port);
	fclose(f);
	event_base_dispatch(base);
	evdns_close_server_port(p);
	event_free(term);
	event_base_free(base);
	return 0;
}

int main(int argc, char **argv)
{
	alarm(120);
	if (argc == 5 && !strcmp(argv[1], "lookups"))
		return lookups(argv[2], atol(argv[3]), atol(argv[4]));
	if (argc == 4 && !strcmp(argv[1], "memory"))
		return memory(argv[2], atol(argv[3]));
	if (argc == 3 && !strcmp(argv[1], "serve")) {
		alarm(0);
		return serve(argv[2]);
	}
	fprintf(stderr, "usage: dns lookups NAME INFLIGHT TOTAL | memory NAME N | serve PORTFILE\n");
	return 2;
}
