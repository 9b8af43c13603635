/* dns_getaddrinfo: evdns_getaddrinfo and evdns_base_load_hosts. Answers
 * given at once (the callback runs before evdns_getaddrinfo returns NULL):
 * numeric hosts, no host name (AI_PASSIVE or not), bad arguments, service
 * names, AI_NUMERICHOST, hosts-file entries (file order, any case, the
 * family asked, a name present only in the other family: an empty answer,
 * comments, entries with a port ignored), no evdns_base. Answers from a
 * lookup: A and AAAA merged (A first), one family failing, both failing,
 * the AAAA answer later than getaddrinfo-allow-skew (the A answer is
 * reported without it), AI_CANONNAME from a CNAME, and
 * evdns_getaddrinfo_cancel. The nodes: family, socktype, protocol,
 * address, port, canonical name, and ai_flags (libevent marks its own). */
#include <event2/dns.h>
#include <event2/event.h>
#include <netdb.h>

#include "testcase.h"
#include "dnstest.h"

static struct event_base *base;
static char dir[64];
static int pending;

static int handler(struct tc_dns_query *q, unsigned char *out, void *arg)
{
	(void)arg;
	int off;
	if (tc_dns_is(q, "both.test"))
		return tc_dns_answer(out, q, q->qtype == 1 ? "10.0.0.1,10.0.0.2" : "fd00::1", 60);
	if (tc_dns_is(q, "v4only.test"))
		return q->qtype == 1 ? tc_dns_answer(out, q, "10.0.0.3", 60) : tc_dns_error(out, q, 3, -1, 0);
	if (tc_dns_is(q, "slow6.test")) {
		if (q->qtype == 28)
			q->delay_ms = 600;
		return tc_dns_answer(out, q, q->qtype == 1 ? "10.0.0.4" : "fd00::4", 60);
	}
	if (tc_dns_is(q, "slowboth.test")) {
		q->delay_ms = 300;
		return tc_dns_answer(out, q, q->qtype == 1 ? "10.0.0.5" : "fd00::5", 60);
	}
	if (tc_dns_is(q, "canon.test") && q->qtype == 1) {
		off = tc_dns_header(out, q, 0, 0, 1, 2, 0, 0);
		off = tc_dns_question(out, off, q);
		int rd = off + 12;
		int end = tc_dns_name(out, rd, "target.test");
		tc_dns_rr(out, off, 5, 60, end - rd);
		off = tc_dns_rr(out, end, 1, 60, 4);
		memcpy(out + off, "\x0a\0\0\x06", 4);
		return off + 4;
	}
	return tc_dns_error(out, q, 3, -1, 0);
}

static void print_list(const char *what, int result, struct evutil_addrinfo *res)
{
	printf("%s: result=%d%s\n", what, result, result ? "" : (res ? "" : " (empty list)"));
	for (struct evutil_addrinfo *ai = res; ai; ai = ai->ai_next) {
		char a[64] = "?";
		int port = -1;
		if (ai->ai_family == AF_INET) {
			struct sockaddr_in *sin = (struct sockaddr_in *)ai->ai_addr;
			inet_ntop(AF_INET, &sin->sin_addr, a, sizeof a);
			port = ntohs(sin->sin_port);
		} else if (ai->ai_family == AF_INET6) {
			struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ai->ai_addr;
			inet_ntop(AF_INET6, &sin6->sin6_addr, a, sizeof a);
			port = ntohs(sin6->sin6_port);
		}
		printf("    family=%d socktype=%d protocol=%d addrlen=%d %s port %d canon=%s flags=%#x\n",
		    ai->ai_family, ai->ai_socktype, ai->ai_protocol, (int)ai->ai_addrlen, a, port,
		    ai->ai_canonname ? ai->ai_canonname : "(none)", (unsigned)ai->ai_flags);
	}
	if (res)
		evutil_freeaddrinfo(res);
}

static const char *cur_what;
static int in_call;
static void cb(int result, struct evutil_addrinfo *res, void *arg)
{
	const char *what = arg ? (const char *)arg : cur_what;
	printf("%s", in_call ? "[during the call] " : "[from the loop] ");
	print_list(what, result, res);
	if (--pending == 0 && !in_call)
		event_base_loopexit(base, NULL);
}

static void gai(struct evdns_base *dns, const char *what, const char *node, const char *serv,
    int family, int socktype, int flags, int use_hints)
{
	struct evutil_addrinfo hints;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = family;
	hints.ai_socktype = socktype;
	hints.ai_flags = flags;
	cur_what = what;
	pending++;
	in_call = 1;
	struct evdns_getaddrinfo_request *r = evdns_getaddrinfo(dns, node, serv, use_hints ? &hints : NULL,
	    cb, (void *)what);
	in_call = 0;
	if (r)
		printf("%s: request returned\n", what);
}

static void run_loop(void)
{
	struct timeval guard = { 3, 0 };
	if (pending <= 0)
		return;
	event_base_loopexit(base, &guard);
	event_base_dispatch(base);
}

int main(void)
{
	struct tc_dns_server srv;
	char path[128];
	tc_alarm("dns_getaddrinfo", 15);
	if (tc_dns_start(&srv, handler, NULL) != 0)
		return 1;
	snprintf(dir, sizeof dir, "/tmp/dns_gai.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	base = event_base_new();

	/* no evdns_base at all */
	gai(NULL, "no base", "x.test", NULL, AF_UNSPEC, SOCK_STREAM, 0, 1);

	struct evdns_base *dns = evdns_base_new(base, 0);
	evdns_base_nameserver_ip_add(dns, tc_dns_addr(&srv));
	evdns_base_set_option(dns, "timeout", "1");
	evdns_base_set_option(dns, "getaddrinfo-allow-skew", "0.2");

	snprintf(path, sizeof path, "%s/hosts", dir);
	FILE *f = fopen(path, "w");
	fprintf(f, "127.0.0.1 localhost\n"
	    "10.0.0.1\thost1 alias1 # comment host9\n"
	    "10.0.0.2 host1\n"
	    "fd00::1  host1 Host6\n"
	    "#10.0.0.3 commented\n"
	    "10.0.0.4:80 withport\n"
	    "not-an-address bad\n"
	    "10.0.0.5 h5#trailing h5b\n"
	    "[::2] bracket\n");
	fclose(f);
	printf("load_hosts: %d\n", evdns_base_load_hosts(dns, path));
	snprintf(path, sizeof path, "%s/none", dir);
	printf("load_hosts missing: %d\n", evdns_base_load_hosts(dns, path));

	gai(dns, "host1 any", "host1", "80", AF_UNSPEC, SOCK_STREAM, 0, 1);
	gai(dns, "HOST1 inet", "HOST1", "80", AF_INET, SOCK_STREAM, 0, 1);
	gai(dns, "host1 inet6", "host1", "80", AF_INET6, SOCK_STREAM, 0, 1);
	gai(dns, "host6 inet (other family only)", "host6", NULL, AF_INET, 0, 0, 1);
	gai(dns, "alias1 no socktype", "alias1", "21", AF_UNSPEC, 0, 0, 1);
	gai(dns, "h5", "h5", NULL, AF_UNSPEC, SOCK_DGRAM, 0, 1);
	gai(dns, "bracket", "bracket", NULL, AF_UNSPEC, SOCK_STREAM, 0, 1);
	gai(dns, "localhost (missing file added it again)", "localhost", NULL, AF_INET, SOCK_STREAM, 0, 1);
	gai(dns, "numeric v4, service name", "1.2.3.4", "http", AF_UNSPEC, SOCK_STREAM, 0, 1);
	gai(dns, "numeric v6", "fe80::1", "443", AF_UNSPEC, SOCK_STREAM, 0, 1);
	gai(dns, "numeric v4 asked as inet6", "1.2.3.4", NULL, AF_INET6, SOCK_STREAM, 0, 1);
	gai(dns, "numeric, no hints", "10.1.1.1", "53", 0, 0, 0, 0);
	gai(dns, "no node, passive", NULL, "8080", AF_UNSPEC, SOCK_STREAM, EVUTIL_AI_PASSIVE, 1);
	gai(dns, "no node, inet", NULL, "8080", AF_INET, SOCK_STREAM, 0, 1);
	gai(dns, "no node, no service", NULL, NULL, AF_UNSPEC, SOCK_STREAM, 0, 1);
	gai(dns, "bad family", "host1", NULL, 99, SOCK_STREAM, 0, 1);
	gai(dns, "bad service", "host1", "no-such-service-here", AF_UNSPEC, SOCK_STREAM, 0, 1);
	gai(dns, "numerichost with a name", "host1", "80", AF_UNSPEC, SOCK_STREAM, EVUTIL_AI_NUMERICHOST, 1);
	gai(dns, "numerichost with a number", "10.2.2.2", "80", AF_UNSPEC, SOCK_STREAM, EVUTIL_AI_NUMERICHOST, 1);
	run_loop();

	printf("-- lookups\n");
	gai(dns, "both.test", "both.test", "25", AF_UNSPEC, SOCK_STREAM, 0, 1);
	run_loop();
	gai(dns, "both.test inet", "both.test", "25", AF_INET, SOCK_STREAM, 0, 1);
	run_loop();
	gai(dns, "v4only.test", "v4only.test", NULL, AF_UNSPEC, SOCK_STREAM, 0, 1);
	run_loop();
	gai(dns, "none.test", "none.test", NULL, AF_UNSPEC, SOCK_STREAM, 0, 1);
	run_loop();
	gai(dns, "withport (not a hosts entry)", "withport", NULL, AF_INET, SOCK_STREAM, 0, 1);
	run_loop();
	double t0 = tc_mono();
	gai(dns, "slow6.test", "slow6.test", "80", AF_UNSPEC, SOCK_STREAM, 0, 1);
	run_loop();
	double el = tc_mono() - t0;
	printf("slow6 answered after the skew, before the AAAA: %s\n", tc_yesno(el >= 0.18 && el < 0.55));
	gai(dns, "canon.test", "canon.test", NULL, AF_INET, SOCK_STREAM, EVUTIL_AI_CANONNAME, 1);
	run_loop();

	printf("-- cancel\n");
	pending++;
	struct evutil_addrinfo hints;
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	struct evdns_getaddrinfo_request *r = evdns_getaddrinfo(dns, "slowboth.test", NULL, &hints, cb,
	    (void *)"slowboth cancelled");
	printf("request: %s\n", tc_yesno(r != NULL));
	evdns_getaddrinfo_cancel(r);
	printf("cancelled, callback not yet run: %s\n", tc_yesno(pending == 1));
	run_loop();
	struct timeval wait = { 0, 400000 };
	event_base_loopexit(base, &wait);
	event_base_dispatch(base);
	printf("pending after the late replies: %d\n", pending);

	evdns_base_clear_host_addresses(dns);
	gai(dns, "host1 after clear_host_addresses", "host1", NULL, AF_INET, SOCK_STREAM, 0, 1);
	run_loop();

	evdns_base_free(dns, 0);
	event_base_free(base);
	tc_dns_stop(&srv);
	snprintf(path, sizeof path, "rm -rf %s", dir);
	if (system(path) != 0)
		printf("cleanup failed\n");
	printf("done\n");
	return 0;
}
