/*
 * evutil_str.c - evutil's locale-independent string helpers: ASCII-only
 * case-insensitive comparison, an always-terminating snprintf, strtoll and
 * the RFC 1123 date. Pure C, no state, never loads the Go core.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/util.h>

#include "capi.h"

/* Folds only 'A'..'Z'. libevent compares the folded bytes as plain (signed,
 * on this ABI) chars, so bytes >= 0x80 sort before ASCII; so do we. */
static inline signed char ascii_lower(char c)
{
	if (c >= 'A' && c <= 'Z')
		c = (char)(c - 'A' + 'a');
	return (signed char)c;
}

int evutil_ascii_strncasecmp(const char *s1, const char *s2, size_t n)
{
	for (; n > 0; n--, s1++, s2++) {
		signed char a = ascii_lower(*s1), b = ascii_lower(*s2);
		if (a != b)
			return a < b ? -1 : 1;
		if (a == 0)
			break;
	}
	return 0;
}

int evutil_ascii_strcasecmp(const char *s1, const char *s2)
{
	return evutil_ascii_strncasecmp(s1, s2, (size_t)-1);
}

/* C99 vsnprintf, except that a zero-sized buffer gives 0 (not the length the
 * text would need), and the last byte is always a NUL. */
int evutil_vsnprintf(char *buf, size_t buflen, const char *format, va_list ap)
{
	int r;
	if (buflen == 0)
		return 0;
	r = vsnprintf(buf, buflen, format, ap);
	buf[buflen - 1] = '\0';
	return r;
}

int evutil_snprintf(char *buf, size_t buflen, const char *format, ...)
{
	va_list ap;
	int r;
	va_start(ap, format);
	r = evutil_vsnprintf(buf, buflen, format, ap);
	va_end(ap);
	return r;
}

ev_int64_t evutil_strtoll(const char *s, char **endptr, int base)
{
	return (ev_int64_t)strtoll(s, endptr, base);
}

int evutil_date_rfc1123(char *date, const size_t datelen, const struct tm *tm)
{
	static const char days[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm now;

	if (!tm) {
		time_t t = time(NULL);
		if (!gmtime_r(&t, &now)) {
			gev_warnx("evutil_date_rfc1123: the current time has no broken-down form");
			return -1;
		}
		tm = &now;
	}
	if (tm->tm_wday < 0 || tm->tm_wday > 6 || tm->tm_mon < 0 || tm->tm_mon > 11) {
		/* libevent indexes its tables with these and crashes */
		gev_warnx("evutil_date_rfc1123: tm_wday %d or tm_mon %d out of range",
		    tm->tm_wday, tm->tm_mon);
		if (date && datelen)
			date[0] = '\0';
		return -1;
	}
	return evutil_snprintf(date, datelen, "%s, %02d %s %4d %02d:%02d:%02d GMT",
	    days[tm->tm_wday], tm->tm_mday, months[tm->tm_mon], 1900 + tm->tm_year,
	    tm->tm_hour, tm->tm_min, tm->tm_sec);
}
