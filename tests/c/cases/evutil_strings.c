/* evutil_strings: evutil_ascii_strcasecmp, evutil_ascii_strncasecmp (sign
 * only), evutil_snprintf / evutil_vsnprintf (return values, truncation,
 * size 0), evutil_strtoll (values, endptr, errno), evutil_date_rfc1123. */
#include <event2/event.h>
#include <event2/util.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
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

static void show(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			putchar(c);
		else
			printf("\\x%02x", c);
	}
	putchar('"');
}

static void cmp(const char *a, const char *b)
{
	printf("strcasecmp(");
	show(a);
	printf(", ");
	show(b);
	printf(") = %d\n", sign(evutil_ascii_strcasecmp(a, b)));
}

static void ncmp(const char *a, const char *b, size_t n)
{
	printf("strncasecmp(");
	show(a);
	printf(", ");
	show(b);
	printf(", %zu) = %d\n", n, sign(evutil_ascii_strncasecmp(a, b, n)));
}

static int vcall(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int vcall(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;
	va_start(ap, fmt);
	r = evutil_vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}

static void snp(size_t n)
{
	char buf[32];
	int r;
	memset(buf, 'Z', sizeof(buf));
	buf[sizeof(buf) - 1] = 0;
	r = evutil_snprintf(buf, n, "%s-%d-%x", "hello", 42, 255u);
	printf("snprintf size %zu: %d ", n, r);
	show(buf);
	printf("\n");
	memset(buf, 'Z', sizeof(buf));
	buf[sizeof(buf) - 1] = 0;
	r = vcall(buf, n, "%05d|%-4s|%c", -7, "ab", 'q');
	printf("vsnprintf size %zu: %d ", n, r);
	show(buf);
	printf("\n");
}

static void sll(const char *s, int base)
{
	char *end = NULL;
	long long v;
	errno = 0;
	v = evutil_strtoll(s, &end, base);
	printf("strtoll(");
	show(s);
	printf(", %d) = %lld ", base, v);
	if (end)
		printf("end+%d", (int)(end - s));
	else
		printf("end unset");
	printf(" errno %s\n", errno == 0 ? "0" : errno == ERANGE ? "ERANGE" : errno == EINVAL ? "EINVAL" : "other");
}

static void date(long long t, size_t len)
{
	char buf[64];
	struct tm tm;
	time_t tt = (time_t)t;
	int r;
	gmtime_r(&tt, &tm);
	memset(buf, 'Z', sizeof(buf));
	buf[sizeof(buf) - 1] = 0;
	r = evutil_date_rfc1123(buf, len, &tm);
	printf("date(%lld, %zu) = %d ", t, len, r);
	show(buf);
	printf("\n");
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("evutil_strings", 15);
	event_set_log_callback(logcb);

	printf("== evutil_ascii_strcasecmp\n");
	cmp("", "");
	cmp("abc", "abc");
	cmp("ABC", "abc");
	cmp("aBc", "AbC");
	cmp("abc", "abd");
	cmp("abd", "ABC");
	cmp("abc", "ab");
	cmp("ab", "abc");
	cmp("", "a");
	cmp("Z", "a");
	cmp("z", "A");
	cmp("[", "a");
	cmp("[", "A");
	cmp("_", "a");
	cmp("@", "`");
	cmp("\xc4", "\xe4");
	cmp("\x80", "a");
	cmp("a", "\xff");
	cmp("\xff", "\xfe");
	cmp("Content-Type", "content-type");
	cmp("HOST", "hosts");

	printf("== evutil_ascii_strncasecmp\n");
	ncmp("abc", "abd", 2);
	ncmp("abc", "abd", 3);
	ncmp("abc", "ABD", 0);
	ncmp("abc", "ABC", 10);
	ncmp("abc", "abcd", 3);
	ncmp("abc", "abcd", 4);
	ncmp("Keep-Alive", "keep-alivE, close", 10);
	ncmp("x\x90", "X\x10", 2);
	ncmp("", "", 5);
	ncmp("a", "", 1);

	printf("== evutil_snprintf / evutil_vsnprintf\n");
	snp(32);
	snp(13);
	snp(12);
	snp(11);
	snp(2);
	snp(1);
	snp(0);
	{
		char buf[8] = "xxxxxxx";
		int r = evutil_snprintf(buf, sizeof(buf), "%s", "");
		printf("empty format result: %d ", r);
		show(buf);
		printf("\n");
		r = evutil_snprintf(buf, sizeof(buf), "%lld|%zu", -9223372036854775807LL - 1, (size_t)3);
		printf("long values: %d ", r);
		show(buf);
		printf("\n");
		r = evutil_snprintf(NULL, 0, "%d", 12345);
		printf("NULL buffer size 0: %d\n", r);
	}

	printf("== evutil_strtoll\n");
	sll("0", 10);
	sll("12345", 10);
	sll("  -42xyz", 10);
	sll("+17", 10);
	sll("9223372036854775807", 10);
	sll("9223372036854775808", 10);
	sll("-9223372036854775808", 10);
	sll("-9223372036854775809", 10);
	sll("99999999999999999999999", 10);
	sll("ff", 16);
	sll("0x1F", 16);
	sll("0x1F", 0);
	sll("017", 0);
	sll("017", 10);
	sll("z", 36);
	sll("101", 2);
	sll("", 10);
	sll("abc", 10);
	sll("-", 10);
	sll("12", 1);
	sll("12", 37);
	{
		long long v = evutil_strtoll("777", NULL, 8);
		printf("NULL endptr: %lld\n", v);
	}

	printf("== evutil_date_rfc1123\n");
	date(0, 64);
	date(784111777, 64);
	date(951782400, 64);
	date(1700000000, 64);
	date(4102444799LL, 64);
	date(-86400, 64);
	date(253402300799LL, 64);
	date(784111777, 30);
	date(784111777, 29);
	date(784111777, 10);
	date(784111777, 1);
	date(784111777, 0);
	{
		struct tm tm;
		char buf[64];
		int r;
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = 8100; /* five-digit year */
		tm.tm_mon = 11;
		tm.tm_mday = 31;
		tm.tm_wday = 6;
		tm.tm_hour = 23;
		tm.tm_min = 59;
		tm.tm_sec = 60;
		r = evutil_date_rfc1123(buf, sizeof(buf), &tm);
		printf("handmade tm: %d ", r);
		show(buf);
		printf("\n");
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = -1900 + 7;
		tm.tm_mday = 1;
		r = evutil_date_rfc1123(buf, sizeof(buf), &tm);
		printf("year 7: %d ", r);
		show(buf);
		printf("\n");
	}
	{
		/* NULL tm means now: compare with the current time's rendering. */
		char buf[64], want1[64], want2[64];
		struct tm tm;
		time_t t0 = time(NULL), t1;
		int r;
		gmtime_r(&t0, &tm);
		strftime(want1, sizeof(want1), "%a, %d %b %Y %H:%M:%S GMT", &tm);
		r = evutil_date_rfc1123(buf, sizeof(buf), NULL);
		t1 = time(NULL);
		gmtime_r(&t1, &tm);
		strftime(want2, sizeof(want2), "%a, %d %b %Y %H:%M:%S GMT", &tm);
		printf("NULL tm: %d length %zu matches now: %s\n", r, strlen(buf),
		    tc_yesno(!strcmp(buf, want1) || !strcmp(buf, want2)));
	}
	printf("log calls: %d\n", nlog);
	printf("done\n");
	return 0;
}
