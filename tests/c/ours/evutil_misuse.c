/*
 * evutil_misuse.c - goevent only: NULL arguments and out-of-range input to
 * the evutil_* functions get libevent's failure value and a warning through
 * the log callback instead of a crash (Debian's libevent crashes on these,
 * so there is no transcript). Exits 1 if any expectation is missed.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <event2/event.h>
#include <event2/util.h>

#include "testcase.h"

int main(void)
{
	unsigned char b[16];
	char text[64];
	unsigned idx;
	int len = (int)sizeof(struct sockaddr_storage);
	struct sockaddr_storage ss;
	struct evutil_addrinfo *ai = NULL;
	struct evutil_monotonic_timer *t;
	struct timeval tv;
	struct tm tm;

	tc_log_capture();

	TC_EXPECT_WARN("evutil_inet_pton(NULL text)", evutil_inet_pton(AF_INET, NULL, b), -1);
	TC_EXPECT_WARN("evutil_inet_pton(NULL dst)", evutil_inet_pton(AF_INET6, "::1", NULL), -1);
	TC_EXPECT_WARN("evutil_inet_ntop(NULL src)", evutil_inet_ntop(AF_INET, NULL, text, sizeof(text)) != NULL, 0);
	TC_EXPECT_WARN("evutil_inet_ntop(NULL dst)", evutil_inet_ntop(AF_INET6, b, NULL, 64) != NULL, 0);
	TC_EXPECT_WARN("evutil_inet_pton_scope(NULL index)", evutil_inet_pton_scope(AF_INET6, "::1", b, NULL), -1);
	TC_EXPECT_WARN("evutil_inet_pton_scope(NULL text)", evutil_inet_pton_scope(AF_INET6, NULL, b, &idx), -1);
	TC_EXPECT_WARN("evutil_parse_sockaddr_port(NULL text)",
	    evutil_parse_sockaddr_port(NULL, (struct sockaddr *)&ss, &len), -1);
	TC_EXPECT_WARN("evutil_parse_sockaddr_port(NULL out)", evutil_parse_sockaddr_port("1.2.3.4", NULL, &len), -1);
	TC_EXPECT_WARN("evutil_parse_sockaddr_port(NULL outlen)",
	    evutil_parse_sockaddr_port("1.2.3.4", (struct sockaddr *)&ss, NULL), -1);
	TC_EXPECT_WARN("evutil_getaddrinfo(NULL res)", evutil_getaddrinfo("1.2.3.4", "80", NULL, NULL), EVUTIL_EAI_FAIL);
	memset(&ss, 0, sizeof(ss));
	ss.ss_family = AF_INET;
	TC_EXPECT_WARN("evutil_sockaddr_cmp(NULL, sa)", evutil_sockaddr_cmp(NULL, (struct sockaddr *)&ss, 1) < 0, 1);
	TC_EXPECT_WARN("evutil_configure_monotonic_time(NULL)", evutil_configure_monotonic_time(NULL, 0), -1);
	TC_EXPECT_WARN("evutil_gettime_monotonic(NULL timer)", evutil_gettime_monotonic(NULL, &tv), -1);
	t = evutil_monotonic_timer_new();
	evutil_configure_monotonic_time(t, EV_MONOT_PRECISE);
	TC_EXPECT_WARN("evutil_gettime_monotonic(NULL tv)", evutil_gettime_monotonic(t, NULL), -1);
	evutil_monotonic_timer_free(t);
	memset(&tm, 0, sizeof(tm));
	tm.tm_wday = 7;
	strcpy(text, "junk");
	TC_EXPECT_WARN("evutil_date_rfc1123(tm_wday 7)", evutil_date_rfc1123(text, sizeof(text), &tm), -1);
	if (text[0] != 0) {
		printf("FAIL evutil_date_rfc1123(tm_wday 7) left \"%s\"\n", text);
		tc_failures++;
	}
	tm.tm_wday = 0;
	tm.tm_mon = -1;
	TC_EXPECT_WARN("evutil_date_rfc1123(tm_mon -1)", evutil_date_rfc1123(text, sizeof(text), &tm), -1);

	/* no failure value: these must only survive */
	evutil_freeaddrinfo(NULL);
	evutil_monotonic_timer_free(NULL);
	evutil_secure_rng_get_bytes(NULL, 0);
	evutil_secure_rng_add_bytes(NULL, 0);
	printf("ok   evutil_freeaddrinfo(NULL), evutil_monotonic_timer_free(NULL), 0-byte rng calls\n");

	if (evutil_getaddrinfo("1.2.3.4", "80", NULL, &ai) == 0)
		evutil_freeaddrinfo(ai);
	return tc_exit_status();
}
