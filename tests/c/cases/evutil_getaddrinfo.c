/* evutil_getaddrinfo: numeric hosts, services, NULL node, hint flags,
 * socktype/protocol filling, "localhost" (only loopback names: no network
 * lookups), error codes, evutil_freeaddrinfo, and evutil_gai_strerror's
 * wording for every EVUTIL_EAI_* code, EVUTIL_EAI_CANCEL and unknown codes. */
#include <event2/event.h>
#include <event2/util.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testcase.h"

static int nlog;
static void logcb(int severity, const char *msg)
{
	(void)msg;
	nlog++;
	printf("  [log severity %d]\n", severity);
}

static const char *ename(int e)
{
	if (e == 0) return "0";
	if (e == EVUTIL_EAI_ADDRFAMILY) return "EVUTIL_EAI_ADDRFAMILY";
	if (e == EVUTIL_EAI_AGAIN) return "EVUTIL_EAI_AGAIN";
	if (e == EVUTIL_EAI_BADFLAGS) return "EVUTIL_EAI_BADFLAGS";
	if (e == EVUTIL_EAI_FAIL) return "EVUTIL_EAI_FAIL";
	if (e == EVUTIL_EAI_FAMILY) return "EVUTIL_EAI_FAMILY";
	if (e == EVUTIL_EAI_MEMORY) return "EVUTIL_EAI_MEMORY";
	if (e == EVUTIL_EAI_NODATA) return "EVUTIL_EAI_NODATA";
	if (e == EVUTIL_EAI_NONAME) return "EVUTIL_EAI_NONAME";
	if (e == EVUTIL_EAI_SERVICE) return "EVUTIL_EAI_SERVICE";
	if (e == EVUTIL_EAI_SOCKTYPE) return "EVUTIL_EAI_SOCKTYPE";
	if (e == EVUTIL_EAI_SYSTEM) return "EVUTIL_EAI_SYSTEM";
	if (e == EVUTIL_EAI_CANCEL) return "EVUTIL_EAI_CANCEL";
	return "other";
}

static const char *fam(int f)
{
	return f == AF_INET ? "inet" : f == AF_INET6 ? "inet6" : f == AF_UNSPEC ? "unspec" : "other";
}

static const char *stype(int t)
{
	return t == SOCK_STREAM ? "stream" : t == SOCK_DGRAM ? "dgram" : t == SOCK_RAW ? "raw" :
	    t == SOCK_SEQPACKET ? "seqpacket" : t == 0 ? "0" : "other";
}

static void dump(const struct evutil_addrinfo *ai)
{
	char a[64];
	int n = 0;
	for (; ai; ai = ai->ai_next, n++) {
		printf("    [%d] %s %s proto %d addrlen %d", n, fam(ai->ai_family), stype(ai->ai_socktype),
		    ai->ai_protocol, (int)ai->ai_addrlen);
		if (ai->ai_addr && ai->ai_addr->sa_family == AF_INET) {
			const struct sockaddr_in *sin = (const struct sockaddr_in *)ai->ai_addr;
			inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a));
			printf(" %s port %u", a, ntohs(sin->sin_port));
		} else if (ai->ai_addr && ai->ai_addr->sa_family == AF_INET6) {
			const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ai->ai_addr;
			inet_ntop(AF_INET6, &sin6->sin6_addr, a, sizeof(a));
			printf(" [%s] port %u scope %u", a, ntohs(sin6->sin6_port), sin6->sin6_scope_id);
		} else if (ai->ai_addr) {
			printf(" sa_family %d", ai->ai_addr->sa_family);
		} else {
			printf(" no address");
		}
		if (ai->ai_canonname)
			printf(" canon \"%s\"", ai->ai_canonname);
		printf(" flags %#x\n", (unsigned)ai->ai_flags);
	}
}

static void gai(const char *node, const char *serv, int family, int socktype, int protocol, int flags)
{
	struct evutil_addrinfo hints, *res = (struct evutil_addrinfo *)1;
	int r;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = socktype;
	hints.ai_protocol = protocol;
	hints.ai_flags = flags;
	r = evutil_getaddrinfo(node, serv, &hints, &res);
	printf("gai(%s%s%s, %s%s%s, %s, %s, %d, %#x) = %s\n", node ? "\"" : "", node ? node : "NULL",
	    node ? "\"" : "", serv ? "\"" : "", serv ? serv : "NULL", serv ? "\"" : "", fam(family),
	    stype(socktype), protocol, (unsigned)flags, ename(r));
	if (r == 0) {
		dump(res);
		evutil_freeaddrinfo(res);
	}
}

int main(void)
{
	static const int codes[] = {
		0, EVUTIL_EAI_ADDRFAMILY, EVUTIL_EAI_AGAIN, EVUTIL_EAI_BADFLAGS, EVUTIL_EAI_FAIL,
		EVUTIL_EAI_FAMILY, EVUTIL_EAI_MEMORY, EVUTIL_EAI_NODATA, EVUTIL_EAI_NONAME,
		EVUTIL_EAI_SERVICE, EVUTIL_EAI_SOCKTYPE, EVUTIL_EAI_SYSTEM, EVUTIL_EAI_CANCEL,
	};
	static const int raw[] = {
		1, -1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12, -100, -101, -102, -103, -104, -105,
		-901, -902, -903, -904, -905, -906, -907, -908, -909, -910, -911, -90001, -90002, 12345,
	};
	size_t i;
	struct evutil_addrinfo *res = NULL;
	int r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("evutil_getaddrinfo", 15);
	event_set_log_callback(logcb);

	printf("== numeric IPv4\n");
	gai("1.2.3.4", NULL, AF_UNSPEC, 0, 0, 0);
	gai("1.2.3.4", "80", AF_UNSPEC, 0, 0, 0);
	gai("1.2.3.4", "80", AF_INET, SOCK_STREAM, 0, 0);
	gai("1.2.3.4", "80", AF_INET, SOCK_DGRAM, 0, 0);
	gai("1.2.3.4", "80", AF_INET, 0, IPPROTO_TCP, 0);
	gai("1.2.3.4", "80", AF_INET, 0, IPPROTO_UDP, 0);
	gai("1.2.3.4", "80", AF_INET, SOCK_STREAM, IPPROTO_UDP, 0);
	gai("1.2.3.4", "80", AF_INET6, 0, 0, 0);
	gai("127.0.0.1", "65535", AF_UNSPEC, SOCK_STREAM, 0, EVUTIL_AI_NUMERICHOST | EVUTIL_AI_NUMERICSERV);
	gai("127.0.0.1", "65536", AF_UNSPEC, SOCK_STREAM, 0, 0);
	gai("127.0.0.1", "-1", AF_UNSPEC, SOCK_STREAM, 0, 0);
	gai("127.0.0.1", "", AF_UNSPEC, SOCK_STREAM, 0, 0);
	gai("127.0.0.1", "0", AF_UNSPEC, SOCK_STREAM, 0, 0);
	gai("127.1", "7", AF_INET, SOCK_STREAM, 0, 0);
	gai("0x7f.1", "7", AF_INET, SOCK_STREAM, 0, EVUTIL_AI_NUMERICHOST);
	gai("1.2.3.4", "80", AF_INET, SOCK_STREAM, 0, EVUTIL_AI_CANONNAME);
	gai("1.2.3.4", "80", AF_INET, SOCK_STREAM, 0, EVUTIL_AI_PASSIVE);
	gai("127.0.0.1", "80", AF_INET, SOCK_STREAM, 0, EVUTIL_AI_ADDRCONFIG);
	gai("1.2.3.4", "80", AF_INET, SOCK_STREAM, 0, (int)0x80000000u);

	printf("== numeric IPv6\n");
	gai("::1", NULL, AF_UNSPEC, 0, 0, 0);
	gai("::1", "443", AF_UNSPEC, SOCK_STREAM, 0, 0);
	gai("::1", "443", AF_INET6, SOCK_DGRAM, 0, EVUTIL_AI_NUMERICHOST);
	gai("::1", "443", AF_INET, SOCK_STREAM, 0, 0);
	gai("fe80::1%3", "80", AF_INET6, SOCK_STREAM, 0, EVUTIL_AI_NUMERICHOST);
	gai("fe80::1%lo", "80", AF_INET6, SOCK_STREAM, 0, EVUTIL_AI_NUMERICHOST);
	gai("::ffff:1.2.3.4", "80", AF_UNSPEC, SOCK_STREAM, 0, 0);
	gai("1::2::3", "80", AF_UNSPEC, SOCK_STREAM, 0, EVUTIL_AI_NUMERICHOST);
	gai("1.2.3.4", "80", AF_INET6, SOCK_STREAM, 0, EVUTIL_AI_V4MAPPED);

	printf("== NULL node\n");
	gai(NULL, "80", AF_UNSPEC, SOCK_STREAM, 0, 0);
	gai(NULL, "80", AF_UNSPEC, SOCK_STREAM, 0, EVUTIL_AI_PASSIVE);
	gai(NULL, "80", AF_INET, 0, 0, EVUTIL_AI_PASSIVE);
	gai(NULL, "80", AF_INET6, SOCK_DGRAM, 0, 0);
	gai(NULL, "0", AF_INET, SOCK_STREAM, 0, EVUTIL_AI_PASSIVE);
	gai(NULL, NULL, AF_UNSPEC, 0, 0, 0);
	gai(NULL, NULL, AF_UNSPEC, 0, 0, EVUTIL_AI_PASSIVE);

	printf("== services\n");
	gai("127.0.0.1", "http", AF_INET, SOCK_STREAM, 0, 0);
	gai("127.0.0.1", "http", AF_INET, SOCK_STREAM, 0, EVUTIL_AI_NUMERICSERV);
	gai("127.0.0.1", "80x", AF_INET, SOCK_STREAM, 0, EVUTIL_AI_NUMERICSERV);
	gai("127.0.0.1", "no-such-service-xyz", AF_INET, SOCK_STREAM, 0, 0);

	printf("== names\n");
	gai("localhost", "80", AF_INET, SOCK_STREAM, 0, 0);
	gai("localhost", "80", AF_INET, SOCK_STREAM, 0, EVUTIL_AI_NUMERICHOST);
	gai("localhost", "80", AF_INET, SOCK_STREAM, 0, EVUTIL_AI_CANONNAME);
	gai("localhost", NULL, AF_INET, SOCK_DGRAM, 0, 0);

	printf("== bad hints\n");
	gai("1.2.3.4", "80", AF_UNIX, SOCK_STREAM, 0, 0);
	gai("1.2.3.4", "80", 12345, SOCK_STREAM, 0, 0);
	gai("1.2.3.4", "80", AF_INET, 12345, 0, 0);
	gai("1.2.3.4", "80", AF_INET, SOCK_STREAM, 12345, 0);
	gai("1.2.3.4", "80", AF_INET, SOCK_RAW, 0, 0);
	gai("1.2.3.4", "80", AF_INET, SOCK_STREAM, 0, 0x4000000);
	gai("1.2.3.4", NULL, AF_INET, SOCK_STREAM, 0, EVUTIL_AI_CANONNAME | EVUTIL_AI_NUMERICHOST);
	gai(NULL, "80", AF_INET, SOCK_STREAM, 0, EVUTIL_AI_CANONNAME);

	printf("== NULL hints\n");
	res = NULL;
	r = evutil_getaddrinfo("1.2.3.4", "80", NULL, &res);
	printf("gai(\"1.2.3.4\", \"80\", NULL hints) = %s\n", ename(r));
	if (r == 0) {
		dump(res);
		evutil_freeaddrinfo(res);
	}
	res = NULL;
	r = evutil_getaddrinfo("::1", NULL, NULL, &res);
	printf("gai(\"::1\", NULL, NULL hints) = %s\n", ename(r));
	if (r == 0) {
		dump(res);
		evutil_freeaddrinfo(res);
	}
	res = NULL;
	r = evutil_getaddrinfo(NULL, "8080", NULL, &res);
	printf("gai(NULL, \"8080\", NULL hints) = %s\n", ename(r));
	if (r == 0) {
		dump(res);
		evutil_freeaddrinfo(res);
	}
	{
		/* hints are not modified */
		struct evutil_addrinfo hints;
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = AF_UNSPEC;
		hints.ai_flags = EVUTIL_AI_PASSIVE;
		res = NULL;
		r = evutil_getaddrinfo(NULL, "80", &hints, &res);
		printf("hints untouched: %s\n", tc_yesno(hints.ai_socktype == 0 && hints.ai_protocol == 0 &&
		    hints.ai_family == AF_UNSPEC && hints.ai_flags == EVUTIL_AI_PASSIVE && !hints.ai_next));
		if (r == 0)
			evutil_freeaddrinfo(res);
	}

	printf("== evutil_gai_strerror\n");
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		printf("%s: \"%s\"\n", ename(codes[i]), evutil_gai_strerror(codes[i]));
	for (i = 0; i < sizeof(raw) / sizeof(raw[0]); i++)
		printf("%d: \"%s\"\n", raw[i], evutil_gai_strerror(raw[i]));
	printf("log calls: %d\n", nlog);
	printf("done\n");
	return 0;
}
