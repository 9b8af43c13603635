/* dns_config: evdns_base_resolv_conf_parse on files of our own (a temp
 * directory): nameserver lines (with and without a port, a bad address,
 * extra words, a duplicate), search lines (file order), domain, options
 * (ndots, timeout, attempts, unknown ones, bad values, a word without a
 * colon), comments, tabs, CR, a NUL in the file; the return codes (0, 1 no
 * file, 1 NULL name, 2 unreadable, 6 no nameserver: 127.0.0.1:53 added
 * unless DNS_OPTION_NAMESERVERS_NO_DEFAULT), which parts the flags take;
 * and evdns_base_set_option's value checks for every option libevent knows,
 * with and without the colon. */
#include <event2/dns.h>
#include <event2/event.h>
#include <sys/stat.h>

#include "testcase.h"
#include "dnstest.h"

static struct event_base *base;
static char dir[64];
static char qlog[4096];

static int handler(struct tc_dns_query *q, unsigned char *out, void *arg)
{
	(void)arg;
	char n[300];
	snprintf(n, sizeof n, "%s ", q->name);
	for (char *c = n; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	tc_dns_lock();
	if (strlen(qlog) + strlen(n) < 4000)
		strcat(qlog, n);
	tc_dns_unlock();
	if (tc_dns_is(q, "x.a.test"))
		return -1; /* times out */
	return tc_dns_error(out, q, 3, 60, 10);
}

static const char *file(const char *name, const char *text, size_t len)
{
	static char path[128];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	fwrite(text, 1, len, f);
	fclose(f);
	return path;
}
#define FILE_TEXT(name, text) file(name, text, sizeof(text) - 1)

static void show_servers(struct evdns_base *dns, int port)
{
	struct sockaddr_storage ss;
	char a[64];
	int n = evdns_base_count_nameservers(dns);
	printf("    %d nameservers:", n);
	for (int i = 0; i < n; i++) {
		evdns_base_get_nameserver_addr(dns, i, (struct sockaddr *)&ss, sizeof ss);
		if (ss.ss_family == AF_INET) {
			struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
			inet_ntop(AF_INET, &sin->sin_addr, a, sizeof a);
			printf(" %s:%s", a, ntohs(sin->sin_port) == port ? "PORT" : ntohs(sin->sin_port) == 53 ? "53" : "?");
		} else {
			struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
			inet_ntop(AF_INET6, &sin6->sin6_addr, a, sizeof a);
			printf(" [%s]:%d", a, ntohs(sin6->sin6_port));
		}
	}
	printf("\n");
}

static char line[256];
static void cb(int result, char type, int count, int ttl, void *addresses, void *arg)
{
	(void)arg;
	tc_dns_describe(line, sizeof line, result, type, count, ttl, addresses);
	event_base_loopexit(base, NULL);
}

static void lookup(struct evdns_base *dns, const char *name)
{
	struct timeval guard = { 4, 0 };
	line[0] = 0;
	double t0 = tc_mono();
	evdns_base_resolve_ipv4(dns, name, 0, cb, NULL);
	event_base_loopexit(base, &guard);
	event_base_dispatch(base);
	double el = tc_mono() - t0;
	tc_dns_lock();
	printf("    %s: %s; queries: %s; elapsed in [0.25,0.6): %s\n", name, line, qlog,
	    tc_yesno(el >= 0.25 && el < 0.6));
	qlog[0] = 0;
	tc_dns_unlock();
}

static int nwarn;
static void logcb(int sev, const char *msg)
{
	(void)msg;
	if (sev == EVENT_LOG_WARN)
		nwarn++;
}

int main(void)
{
	struct tc_dns_server srv;
	char text[1024];
	tc_alarm("dns_config", 20);
	if (tc_dns_start(&srv, handler, NULL) != 0)
		return 1;
	snprintf(dir, sizeof dir, "/tmp/dns_config.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	event_set_log_callback(logcb);
	base = event_base_new();

	/* a full file */
	int n = snprintf(text, sizeof text,
	    "# comment\n"
	    "; another\n"
	    "nameserver\t127.0.0.1:%d   extra words\n"
	    "nameserver 127.0.0.1:%d\n"
	    "nameserver 300.1.2.3\n"
	    "nameserver\n"
	    "search a.test\tb.test \n"
	    "options ndots:2 timeout:0.3 attempts:1 rotate inet6 debug ndots:x timeout:-1\n"
	    "sortlist 10.0.0.0\n", srv.port, srv.port);
	struct evdns_base *dns = evdns_base_new(base, 0);
	nwarn = 0;
	printf("full file: %d\n", evdns_base_resolv_conf_parse(dns, DNS_OPTIONS_ALL & ~DNS_OPTION_HOSTSFILE,
	    file("full", text, (size_t)n)));
	printf("    warnings: %s\n", tc_yesno(nwarn > 0));
	show_servers(dns, srv.port);
	lookup(dns, "x");
	lookup(dns, "x.y");
	evdns_base_free(dns, 0);

	/* which parts the flags take */
	dns = evdns_base_new(base, 0);
	printf("search only: %d\n", evdns_base_resolv_conf_parse(dns, DNS_OPTION_SEARCH, file("full", text, (size_t)n)));
	show_servers(dns, srv.port);
	evdns_base_nameserver_ip_add(dns, tc_dns_addr(&srv));
	evdns_base_set_option(dns, "timeout", "0.3");
	evdns_base_set_option(dns, "attempts", "1");
	lookup(dns, "x.y");
	evdns_base_free(dns, 0);

	dns = evdns_base_new(base, 0);
	printf("nameservers and misc: %d\n", evdns_base_resolv_conf_parse(dns, DNS_OPTION_NAMESERVERS | DNS_OPTION_MISC,
	    file("full", text, (size_t)n)));
	show_servers(dns, srv.port);
	lookup(dns, "x.y");
	evdns_base_free(dns, 0);

	/* domain replaces search; the last line wins */
	n = snprintf(text, sizeof text, "search one.test two.test\ndomain a.test\nnameserver 127.0.0.1:%d\r\n"
	    "nameserver 127.0.0.1:%d\noptions timeout:0.3 attempts:1", srv.port, srv.port);
	dns = evdns_base_new(base, 0);
	printf("domain, CR: %d\n", evdns_base_resolv_conf_parse(dns, DNS_OPTIONS_ALL & ~DNS_OPTION_HOSTSFILE,
	    file("domain", text, (size_t)n)));
	show_servers(dns, srv.port);
	lookup(dns, "x");
	evdns_base_free(dns, 0);

	/* a NUL ends the file */
	n = snprintf(text, sizeof text, "nameserver 127.0.0.1:%d\noptions timeout:0.3 attempts:1\n", srv.port);
	memcpy(text + n, "\0nameserver 127.0.0.2\n", 22);
	dns = evdns_base_new(base, 0);
	printf("NUL: %d\n", evdns_base_resolv_conf_parse(dns, DNS_OPTION_NAMESERVERS | DNS_OPTION_MISC,
	    file("nul", text, (size_t)n + 22)));
	show_servers(dns, srv.port);
	evdns_base_free(dns, 0);

	/* no nameserver in the file */
	static const struct { const char *what; int flags; } empties[] = {
		{ "empty, all", DNS_OPTIONS_ALL & ~DNS_OPTION_HOSTSFILE & ~DNS_OPTION_SEARCH },
		{ "empty, no default", DNS_OPTION_NAMESERVERS | DNS_OPTION_NAMESERVERS_NO_DEFAULT },
		{ "empty, misc only", DNS_OPTION_MISC },
	};
	for (size_t i = 0; i < sizeof empties / sizeof empties[0]; i++) {
		dns = evdns_base_new(base, 0);
		printf("%s: %d\n", empties[i].what, evdns_base_resolv_conf_parse(dns, empties[i].flags,
		    FILE_TEXT("empty", "options timeout:1\n")));
		show_servers(dns, srv.port);
		evdns_base_free(dns, 0);
	}

	/* files that are not there or not readable */
	char path[128];
	dns = evdns_base_new(base, 0);
	snprintf(path, sizeof path, "%s/none", dir);
	printf("missing file: %d\n", evdns_base_resolv_conf_parse(dns, DNS_OPTION_NAMESERVERS, path));
	show_servers(dns, srv.port);
	printf("missing file, no default: %d\n", evdns_base_resolv_conf_parse(dns,
	    DNS_OPTION_NAMESERVERS | DNS_OPTION_NAMESERVERS_NO_DEFAULT, path));
	printf("a directory: %d\n", evdns_base_resolv_conf_parse(dns, DNS_OPTION_NAMESERVERS, dir));
	printf("NULL name: %d\n", evdns_base_resolv_conf_parse(dns, DNS_OPTION_MISC, NULL));
	show_servers(dns, srv.port);
	evdns_base_free(dns, 0);

	/* the other ways to add a nameserver */
	dns = evdns_base_new(base, 0);
	printf("nameserver_add 127.0.0.1: %d\n", evdns_base_nameserver_add(dns, htonl(0x7f000001)));
	struct sockaddr_in sin;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)srv.port);
	sin.sin_addr.s_addr = htonl(0x7f000001);
	printf("sockaddr_add: %d\n", evdns_base_nameserver_sockaddr_add(dns, (struct sockaddr *)&sin, sizeof sin, 0));
	printf("sockaddr_add again: %d\n", evdns_base_nameserver_sockaddr_add(dns, (struct sockaddr *)&sin, sizeof sin, 0));
	struct sockaddr_in6 sin6;
	memset(&sin6, 0, sizeof sin6);
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(5353);
	sin6.sin6_addr.s6_addr[15] = 1;
	printf("sockaddr_add ::1: %d\n", evdns_base_nameserver_sockaddr_add(dns, (struct sockaddr *)&sin6, sizeof sin6, 0));
	printf("ip_add [::1]: %d\n", evdns_base_nameserver_ip_add(dns, "[::1]"));
	show_servers(dns, srv.port);
	evdns_base_free(dns, 0);

	/* evdns_base_set_option's checks */
	dns = evdns_base_new(base, 0);
	static const char *opts[][2] = {
		{ "ndots", "3" }, { "ndots:", "0" }, { "ndots", "x" }, { "ndots", "-1" }, { "ndots", "" },
		{ "ndots", " 4" }, { "ndots:2", "5" }, { "ndot", "1" }, { "ndotsx", "1" },
		{ "timeout", "2" }, { "timeout:", "0.5" }, { "timeout", "0.0001" }, { "timeout", "0" },
		{ "timeout", "-2" }, { "timeout", "abc" }, { "timeout", "1e1" }, { "timeout", "0x10" },
		{ "max-timeouts", "5" }, { "max-timeouts", "0" }, { "max-timeouts", "1000" }, { "max-timeouts", "q" },
		{ "max-inflight", "10" }, { "max-inflight", "0" }, { "max-inflight", "100000" }, { "max-inflight", "-1" },
		{ "attempts", "2" }, { "attempts", "300" }, { "attempts", "-1" }, { "attempts", "z" },
		{ "randomize-case", "0" }, { "randomize-case", "x" }, { "randomize-case:", "1" },
		{ "bind-to", "127.0.0.1" }, { "bind-to", "nonsense" }, { "bind-to:", "[::1]:0" },
		{ "initial-probe-timeout", "5" }, { "initial-probe-timeout", "7200" }, { "initial-probe-timeout", "x" },
		{ "getaddrinfo-allow-skew", "1.5" }, { "getaddrinfo-allow-skew", "-1" },
		{ "so-rcvbuf", "65536" }, { "so-rcvbuf", "x" }, { "so-sndbuf", "65536" }, { "so-sndbuf", "" },
		{ "unknown-option", "1" }, { "", "" },
	};
	for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++)
		printf("set_option(\"%s\", \"%s\"): %d\n", opts[i][0], opts[i][1],
		    evdns_base_set_option(dns, opts[i][0], opts[i][1]));
	evdns_base_free(dns, 0);

	event_base_free(base);
	tc_dns_stop(&srv);
	snprintf(path, sizeof path, "rm -rf %s", dir);
	if (system(path) != 0)
		printf("cleanup failed\n");
	printf("done\n");
	return 0;
}
