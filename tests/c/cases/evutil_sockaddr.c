/* evutil_sockaddr: evutil_parse_sockaddr_port (accepted forms, ports, bad
 * input, output sizes, the bytes written) and evutil_sockaddr_cmp (sign only,
 * with and without ports, both families, mixed and unknown families). */
#include <event2/event.h>
#include <event2/util.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "testcase.h"

static int nlog;
static void logcb(int severity, const char *msg)
{
	(void)msg;
	nlog++;
	printf("  [log severity %d]\n", severity);
}

static int sign(int v) { return v < 0 ? -1 : v > 0 ? 1 : 0; }

static void show_sa(const struct sockaddr_storage *ss)
{
	char a[64];
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
		inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a));
		printf("inet %s port %u", a, ntohs(sin->sin_port));
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;
		inet_ntop(AF_INET6, &sin6->sin6_addr, a, sizeof(a));
		printf("inet6 %s port %u flowinfo %u scope %u", a, ntohs(sin6->sin6_port),
		    sin6->sin6_flowinfo, sin6->sin6_scope_id);
	} else {
		printf("family %d", ss->ss_family);
	}
}

static void tail_check(const struct sockaddr_storage *ss, int from, int to)
{
	const unsigned char *p = (const unsigned char *)ss;
	int i, zero = 1, untouched = 1;
	for (i = from; i < to && i < (int)sizeof(*ss); i++) {
		if (p[i] != 0)
			zero = 0;
		if (p[i] != 0x55)
			untouched = 0;
	}
	printf(" tail %s", from >= to ? "none" : zero ? "zeroed" : untouched ? "untouched" : "mixed");
}

static void parse(const char *s, int outlen)
{
	struct sockaddr_storage ss;
	int len = outlen, r;
	memset(&ss, 0x55, sizeof(ss));
	r = evutil_parse_sockaddr_port(s, (struct sockaddr *)&ss, &len);
	printf("parse \"%s\" outlen %d = %d len %d", s, outlen, r, len);
	if (r == 0) {
		printf(" ");
		show_sa(&ss);
		tail_check(&ss, len, outlen);
	} else {
		const unsigned char *p = (const unsigned char *)&ss;
		int i, untouched = 1;
		for (i = 0; i < (int)sizeof(ss); i++)
			if (p[i] != 0x55)
				untouched = 0;
		printf(" out %s", untouched ? "untouched" : "written");
	}
	printf("\n");
}

static struct sockaddr_storage v4(const char *a, int port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	memset(&ss, 0, sizeof(ss));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	inet_pton(AF_INET, a, &sin->sin_addr);
	return ss;
}

static struct sockaddr_storage v6(const char *a, int port, unsigned scope)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	memset(&ss, 0, sizeof(ss));
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	sin6->sin6_scope_id = scope;
	inet_pton(AF_INET6, a, &sin6->sin6_addr);
	return ss;
}

static void cmp(const char *what, struct sockaddr_storage a, struct sockaddr_storage b)
{
	int r0 = evutil_sockaddr_cmp((struct sockaddr *)&a, (struct sockaddr *)&b, 0);
	int r1 = evutil_sockaddr_cmp((struct sockaddr *)&a, (struct sockaddr *)&b, 1);
	int s0 = evutil_sockaddr_cmp((struct sockaddr *)&b, (struct sockaddr *)&a, 0);
	int s1 = evutil_sockaddr_cmp((struct sockaddr *)&b, (struct sockaddr *)&a, 1);
	printf("cmp %-34s noport %2d port %2d | swapped noport %2d port %2d\n", what, sign(r0), sign(r1),
	    sign(s0), sign(s1));
}

int main(void)
{
	int big = (int)sizeof(struct sockaddr_storage);
	int s4 = (int)sizeof(struct sockaddr_in), s6 = (int)sizeof(struct sockaddr_in6);
	char longv6[300], longv4[200];

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("evutil_sockaddr", 15);
	event_set_log_callback(logcb);

	printf("== evutil_parse_sockaddr_port: IPv4\n");
	parse("1.2.3.4", big);
	parse("1.2.3.4:80", big);
	parse("1.2.3.4:65535", big);
	parse("1.2.3.4:65536", big);
	parse("1.2.3.4:0", big);
	parse("1.2.3.4:", big);
	parse("1.2.3.4:-1", big);
	parse("1.2.3.4:+8080", big);
	parse("1.2.3.4: 99", big);
	parse("1.2.3.4:80abc", big);
	parse("1.2.3.4:abc", big);
	parse("1.2.3.4:99999999999", big);
	parse("1.2.3.4:4294967377", big);
	parse("0.0.0.0:1", big);
	parse("255.255.255.255:443", big);
	parse("256.2.3.4:80", big);
	parse("1.2.3:80", big);
	parse("localhost:80", big);
	parse(":80", big);
	parse("", big);
	parse("1.2.3.4:80:90", big);
	parse("1.2.3.4", s4);
	parse("1.2.3.4", s4 - 1);
	parse("1.2.3.4:80", 0);
	parse("1.2.3.4:80", s6);

	printf("== evutil_parse_sockaddr_port: IPv6\n");
	parse("::1", big);
	parse("[::1]", big);
	parse("[::1]:80", big);
	parse("[::1]:65535", big);
	parse("[::1]:65536", big);
	parse("[::1]:0", big);
	parse("[::1]:", big);
	parse("[::1]80", big);
	parse("[::1]x:80", big);
	parse("[::1", big);
	parse("[::1]]:80", big);
	parse("[]:80", big);
	parse("[1.2.3.4]:80", big);
	parse("[::ffff:1.2.3.4]:8080", big);
	parse("fe80::1:2", big);
	parse("2001:db8::1:443", big);
	parse("[2001:db8::1]:443", big);
	parse("[fe80::1%3]:80", big);
	parse("fe80::1%3", big);
	parse("[fe80::1%no-such-if0]:80", big);
	parse("[fe80::1%lo]:80", big);
	parse("[::1]:80", s6);
	parse("[::1]:80", s6 - 1);
	parse("[::1]:80", s4);
	parse("::1:80:90", big);
	parse("::", big);
	parse("[::]:1", big);

	printf("== long inputs\n");
	memset(longv6, 0, sizeof(longv6));
	longv6[0] = '[';
	memset(longv6 + 1, '0', 126);
	strcpy(longv6 + 127, "::1]:80");
	parse(longv6, big);
	longv6[0] = '[';
	memset(longv6 + 1, '0', 127);
	strcpy(longv6 + 128, "::1]:80");
	parse(longv6, big);
	memset(longv6 + 1, '0', 200);
	strcpy(longv6 + 201, "::1]:80");
	parse(longv6, big);
	memset(longv4, 0, sizeof(longv4));
	memset(longv4, '0', 120);
	strcpy(longv4 + 120, "1.2.3.4:80");
	printf("(long IPv4, %zu chars before ':')\n", strlen(longv4) - 3);
	parse(longv4, big);
	memset(longv4, '0', 130);
	strcpy(longv4 + 130, "1.2.3.4:80");
	printf("(long IPv4, %zu chars before ':')\n", strlen(longv4) - 3);
	parse(longv4, big);

	printf("== evutil_sockaddr_cmp\n");
	cmp("same v4", v4("1.2.3.4", 80), v4("1.2.3.4", 80));
	cmp("v4 port differs", v4("1.2.3.4", 80), v4("1.2.3.4", 81));
	cmp("v4 port 256 vs 1", v4("1.2.3.4", 256), v4("1.2.3.4", 1));
	cmp("v4 last byte", v4("1.2.3.4", 80), v4("1.2.3.5", 80));
	cmp("v4 first byte", v4("1.0.0.2", 80), v4("2.0.0.1", 80));
	cmp("v4 10.0.0.1 vs 9.255.255.255", v4("10.0.0.1", 1), v4("9.255.255.255", 1));
	cmp("v4 addr and port", v4("1.2.3.4", 9), v4("1.2.3.5", 1));
	cmp("same v6", v6("::1", 80, 0), v6("::1", 80, 0));
	cmp("v6 port differs", v6("::1", 80, 0), v6("::1", 81, 0));
	cmp("v6 port 256 vs 1", v6("::1", 256, 0), v6("::1", 1, 0));
	cmp("v6 addr", v6("::1", 80, 0), v6("::2", 80, 0));
	cmp("v6 high byte", v6("2001::", 80, 0), v6("fe80::", 1, 0));
	cmp("v6 scope differs", v6("fe80::1", 80, 1), v6("fe80::1", 80, 2));
	cmp("v4 vs v6", v4("1.2.3.4", 80), v6("::1", 80, 0));
	cmp("v4 vs v4-mapped v6", v4("1.2.3.4", 80), v6("::ffff:1.2.3.4", 80, 0));
	{
		struct sockaddr_storage a, b;
		struct sockaddr_un *u;
		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		u = (struct sockaddr_un *)&a;
		u->sun_family = AF_UNIX;
		strcpy(u->sun_path, "/tmp/x");
		b = a;
		cmp("same AF_UNIX", a, b);
		cmp("AF_UNIX vs v4", a, v4("1.2.3.4", 80));
		cmp("AF_UNIX vs v6", a, v6("::1", 80, 0));
		a.ss_family = AF_UNSPEC;
		b.ss_family = AF_UNSPEC;
		cmp("two AF_UNSPEC", a, b);
	}
	printf("log calls: %d\n", nlog);
	printf("done\n");
	return 0;
}
