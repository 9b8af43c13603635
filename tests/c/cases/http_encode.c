/* http_encode: evhttp_encode_uri, evhttp_uriencode (explicit sizes, bytes
 * 0-255 and embedded NULs, space as '+'), evhttp_decode_uri ('+' decoded
 * only after the first '?'), evhttp_uridecode (with and without '+', the
 * decoded size with %00 inside, broken escapes at the end), and
 * evhttp_htmlescape, on every byte value and on hand-picked strings; the
 * results printed escaped. */
#include <event2/event.h>
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testcase.h"

static void prn(const char *what, const char *s, size_t n)
{
	if (!s) {
		printf(" %s=NULL", what);
		return;
	}
	printf(" %s=\"", what);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 32 || c >= 127 || c == '"' || c == '\\')
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void pr(const char *what, const char *s) { prn(what, s, s ? strlen(s) : 0); }

static const char *samples[] = {
	"", "abc", "a b", "a+b", "100%", "%41%42%43", "%4", "%", "%%41", "%zz", "%4g", "%g4",
	"a?b+c", "a+b?c+d?e+f", "+?+", "%2B", "%20+%20", "%00x", "x%00", "%41%", "%e9%E9",
	"~-._", "!*'();:@&=+$,/?#[]", "<a href=\"x\">'&amp;'</a>", "\xff\x80", NULL
};

int main(void)
{
	tc_alarm("http_encode", 10);
	char all[256];
	for (int i = 0; i < 256; i++)
		all[i] = (char)i;
	char *e = evhttp_uriencode(all, 256, 0);
	pr("uriencode(all 256)", e);
	printf("\n");
	free(e);
	e = evhttp_uriencode(all, 256, 1);
	pr("uriencode(all 256, plus)", e);
	printf("\n");
	free(e);
	e = evhttp_uriencode(all + 1, -1, 1);
	pr("uriencode(1..255, -1, plus)", e);
	printf("\n");
	free(e);
	e = evhttp_uriencode("a b\0c d", 7, 1);
	pr("uriencode(\"a b\\0c d\", 7, plus)", e);
	e = evhttp_uriencode("a b\0c d", -1, 1);
	pr(" uriencode(same, -1)", e);
	e = evhttp_uriencode("abc", 0, 0);
	pr(" uriencode(\"abc\", 0)", e);
	e = evhttp_uriencode("abc", 2, 0);
	pr(" uriencode(\"abc\", 2)", e);
	printf("\n");
	e = evhttp_encode_uri("http://x/a b?c=d&e=f g#h");
	pr("encode_uri", e);
	printf("\n");
	free(e);

	for (int i = 0; samples[i]; i++) {
		const char *s = samples[i];
		pr("in", s);
		char *d = evhttp_decode_uri(s);
		pr(" decode_uri", d);
		free(d);
		size_t n = 99;
		d = evhttp_uridecode(s, 0, &n);
		prn(" uridecode0", d, n);
		printf("/%zu", n);
		free(d);
		d = evhttp_uridecode(s, 1, &n);
		prn(" uridecode1", d, n);
		printf("/%zu", n);
		free(d);
		d = evhttp_uridecode(s, 7, NULL);
		pr(" uridecode7", d);
		free(d);
		d = evhttp_htmlescape(s);
		pr(" html", d);
		free(d);
		d = evhttp_encode_uri(s);
		pr(" enc", d);
		free(d);
		printf("\n");
	}
	char *h = evhttp_htmlescape(all + 1);
	pr("htmlescape(1..255)", h);
	printf("\n");
	free(h);
	printf("done\n");
	return 0;
}
