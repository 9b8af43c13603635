/* evutil_inet: evutil_inet_pton, evutil_inet_ntop, evutil_inet_pton_scope:
 * accepted and refused text forms, the bytes written, round trips, buffer
 * sizes, unknown families, zone ids. */
#include <event2/event.h>
#include <event2/util.h>
#include <errno.h>
#include <net/if.h>
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

static int nmalloc;
static void *my_malloc(size_t n) { nmalloc++; return malloc(n); }
static void *my_realloc(void *p, size_t n) { return realloc(p, n); }
static void my_free(void *p) { free(p); }

static void hex(const unsigned char *p, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		printf("%02x", p[i]);
}

static void pton4(const char *s)
{
	unsigned char b[4];
	int r;
	memset(b, 0xaa, sizeof(b));
	r = evutil_inet_pton(AF_INET, s, b);
	printf("pton4 \"%s\" = %d ", s, r);
	hex(b, 4);
	printf("\n");
}

static void pton6(const char *s)
{
	unsigned char b[16];
	char out[64];
	const char *o;
	int r;
	memset(b, 0xaa, sizeof(b));
	r = evutil_inet_pton(AF_INET6, s, b);
	printf("pton6 \"%s\" = %d ", s, r);
	hex(b, 16);
	if (r == 1) {
		o = evutil_inet_ntop(AF_INET6, b, out, sizeof(out));
		printf(" -> %s", o ? o : "(null)");
	}
	printf("\n");
}

static void ntop6(const char *bytes, size_t len)
{
	char out[64];
	const char *o;
	memset(out, 'Z', sizeof(out));
	out[sizeof(out) - 1] = 0;
	o = evutil_inet_ntop(AF_INET6, bytes, out, len);
	printf("ntop6 ");
	hex((const unsigned char *)bytes, 16);
	printf(" len %zu = %s", len, o ? (o == out ? "dst" : "other") : "NULL");
	printf(" buf \"%s\"\n", out);
}

static void ntop4(unsigned a, unsigned b, unsigned c, unsigned d, size_t len)
{
	unsigned char in[4] = { (unsigned char)a, (unsigned char)b, (unsigned char)c, (unsigned char)d };
	char out[32];
	const char *o;
	memset(out, 'Z', sizeof(out));
	out[sizeof(out) - 1] = 0;
	o = evutil_inet_ntop(AF_INET, in, out, len);
	printf("ntop4 %u.%u.%u.%u len %zu = %s buf \"%s\"\n", a, b, c, d, len,
	    o ? (o == out ? "dst" : "other") : "NULL", out);
}

static void scope(int af, const char *s)
{
	unsigned char b[16];
	unsigned idx = 12345;
	int r, before = nmalloc;
	memset(b, 0xaa, sizeof(b));
	r = evutil_inet_pton_scope(af, s, b, &idx);
	printf("scope %s \"%s\" = %d index %u ", af == AF_INET6 ? "inet6" : af == AF_INET ? "inet" : "other",
	    s, r, idx);
	hex(b, af == AF_INET ? 4 : 16);
	printf(" mallocs %d\n", nmalloc - before);
}

int main(void)
{
	char buf[64];
	unsigned lo;

	event_set_mem_functions(my_malloc, my_realloc, my_free);
	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("evutil_inet", 15);
	event_set_log_callback(logcb);

	printf("== evutil_inet_pton AF_INET\n");
	pton4("1.2.3.4");
	pton4("0.0.0.0");
	pton4("255.255.255.255");
	pton4("127.0.0.1");
	pton4("256.1.1.1");
	pton4("1.2.3.256");
	pton4("1.2.3");
	pton4("1.2.3.4.5");
	pton4("1.2.3.4 ");
	pton4(" 1.2.3.4");
	pton4("1. 2.3.4");
	pton4("+1.2.3.4");
	pton4("-0.1.2.3");
	pton4("01.002.0003.4");
	pton4("0x1.2.3.4");
	pton4("1.2.3.4x");
	pton4("1..2.3");
	pton4("");
	pton4("a.b.c.d");
	pton4("4294967297.1.1.1");
	pton4("::1");

	printf("== evutil_inet_pton AF_INET6\n");
	pton6("::");
	pton6("::1");
	pton6("1::");
	pton6("1::2");
	pton6("fe80::1");
	pton6("2001:db8:0:0:1:0:0:1");
	pton6("2001:DB8::ABCD:ef01");
	pton6("1:2:3:4:5:6:7:8");
	pton6("1:2:3:4:5:6:7:8:9");
	pton6("1:2:3:4:5:6:7");
	pton6("1:2:3:4:5:6:7::");
	pton6("::2:3:4:5:6:7:8");
	pton6("1::2::3");
	pton6(":1::2");
	pton6("1:");
	pton6(":");
	pton6(":::");
	pton6("12345::1");
	pton6("0x12::1");
	pton6("fffff::");
	pton6("ffff::");
	pton6("g::1");
	pton6("::ffff:1.2.3.4");
	pton6("::1.2.3.4");
	pton6("1.2.3.4");
	pton6("::1.2.3");
	pton6("::1.2.3.256");
	pton6("1:2:3:4:5:6:1.2.3.4");
	pton6("1:2:3:4:5:6:7:1.2.3.4");
	pton6("1:2:3:4:5::1.2.3.4");
	pton6("::ffff:1.2.3.4x");
	pton6(".1.2.3.4");
	pton6("");
	pton6("1::2 ");
	pton6(" ::1");
	pton6("1::-1");
	pton6("fe80::1%lo");

	printf("== other families\n");
	memset(buf, 0, sizeof(buf));
	printf("pton AF_UNIX: %d\n", evutil_inet_pton(AF_UNIX, "1.2.3.4", buf));
	printf("pton AF_UNSPEC: %d\n", evutil_inet_pton(AF_UNSPEC, "::1", buf));
	printf("ntop AF_UNIX: %s\n", evutil_inet_ntop(AF_UNIX, buf, buf + 32, 32) ? "non-NULL" : "NULL");

	printf("== evutil_inet_ntop AF_INET\n");
	ntop4(1, 2, 3, 4, 32);
	ntop4(255, 255, 255, 255, 32);
	ntop4(255, 255, 255, 255, 16);
	ntop4(255, 255, 255, 255, 15);
	ntop4(0, 0, 0, 0, 8);
	ntop4(0, 0, 0, 0, 7);
	ntop4(10, 0, 0, 1, 1);
	ntop4(10, 0, 0, 1, 0);

	printf("== evutil_inet_ntop AF_INET6\n");
	ntop6("\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 64);
	ntop6("\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 64);
	ntop6("\0\1\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 64);
	ntop6("\0\1\0\0\0\2\0\0\0\0\0\0\0\0\0\3", 64);
	ntop6("\0\1\0\0\0\0\0\2\0\0\0\0\0\0\0\3", 64);
	ntop6("\0\1\0\0\0\2\0\3\0\4\0\5\0\6\0\7", 64);
	ntop6("\0\1\0\2\0\3\0\4\0\5\0\6\0\7\0\0", 64);
	ntop6("\x20\x01\x0d\xb8\0\0\0\0\0\1\0\0\0\0\0\1", 64);
	ntop6("\xfe\x80\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 64);
	ntop6("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 64);
	ntop6("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 40);
	ntop6("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 39);
	ntop6("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 38);
	ntop6("\0\0\0\0\0\0\0\0\0\0\xff\xff\x01\x02\x03\x04", 64);
	ntop6("\0\0\0\0\0\0\0\0\0\0\xff\xff\0\0\0\0", 64);
	ntop6("\0\0\0\0\0\0\0\0\0\0\0\0\x01\x02\x03\x04", 64);
	ntop6("\0\0\0\0\0\0\0\0\0\0\0\0\x01\x02\0\0", 64);
	ntop6("\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x03\x04", 64);
	ntop6("\0\0\0\0\0\0\0\0\0\0\0\0\x01\x02\x03\x04", 10);
	ntop6("\0\0\0\0\0\0\0\0\0\0\0\0\x01\x02\x03\x04", 9);
	ntop6("\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 4);
	ntop6("\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 3);
	ntop6("\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 2);
	ntop6("\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 0);

	printf("== evutil_inet_pton_scope\n");
	lo = if_nametoindex("lo");
	printf("lo has an index: %s\n", tc_yesno(lo > 0));
	scope(AF_INET6, "fe80::1");
	{
		unsigned char b[16];
		unsigned idx = 9;
		int r = evutil_inet_pton_scope(AF_INET6, "fe80::1%lo", b, &idx);
		printf("scope inet6 \"fe80::1%%lo\" = %d index is lo's: %s\n", r, tc_yesno(idx == lo));
	}
	scope(AF_INET6, "fe80::1%3");
	scope(AF_INET6, "fe80::1%0");
	scope(AF_INET6, "fe80::1%");
	scope(AF_INET6, "fe80::1%no-such-if0");
	scope(AF_INET6, "fe80::1%12abc");
	scope(AF_INET6, "fe80::1%-1");
	scope(AF_INET6, "fe80::1%4294967297");
	scope(AF_INET6, "fe80::zz%5");
	scope(AF_INET6, "1.2.3.4%5");
	scope(AF_INET6, "::1%7%8");
	scope(AF_INET6, "%5");
	scope(AF_INET, "1.2.3.4");
	scope(AF_INET, "1.2.3.4%5");
	scope(AF_UNIX, "1.2.3.4");

	printf("log calls: %d\n", nlog);
	printf("done\n");
	return 0;
}
