/* http_uri: evhttp_uri_parse / _parse_with_flags (EVHTTP_URI_NONCONFORMANT)
 * on valid and malformed URIs (schemes, userinfo, IPv6 and IPvFuture hosts,
 * ports, empty and '%'-broken parts, paths starting with "//", colons in
 * relative references), each part and the port printed; evhttp_uri_join
 * of the result (buffer too small, then enough); evhttp_uri_new and the
 * setters (valid and refused values, NULL to remove), join of built URIs
 * (a host with a relative path refuses), evhttp_uri_set_flags changing
 * what the path setter accepts. */
#include <event2/event.h>
#include <event2/http.h>
#include <stdio.h>
#include <string.h>

#include "testcase.h"

static void pr(const char *what, const char *s)
{
	if (!s) {
		printf(" %s=NULL", what);
		return;
	}
	printf(" %s=\"", what);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 32 || *p >= 127 || *p == '"' || *p == '\\')
			printf("\\x%02x", *p);
		else
			putchar(*p);
	putchar('"');
}

static void show(const struct evhttp_uri *u)
{
	pr("scheme", evhttp_uri_get_scheme(u));
	pr("userinfo", evhttp_uri_get_userinfo(u));
	pr("host", evhttp_uri_get_host(u));
	printf(" port=%d", evhttp_uri_get_port(u));
	pr("path", evhttp_uri_get_path(u));
	pr("query", evhttp_uri_get_query(u));
	pr("fragment", evhttp_uri_get_fragment(u));
}

static void parse(const char *s, unsigned flags)
{
	struct evhttp_uri *u = evhttp_uri_parse_with_flags(s, flags);
	printf("%s", flags ? "NC " : "   ");
	pr("in", s);
	if (!u) {
		printf(" -> NULL\n");
		return;
	}
	printf(" ->");
	show(u);
	char small[8], big[512];
	memset(small, 'x', sizeof small);
	char *j = evhttp_uri_join(u, small, sizeof small);
	printf(" join8=%s", j ? "ok" : "NULL");
	printf(" small-untouched=%s", j ? "-" : tc_yesno(small[0] == 'x'));
	j = evhttp_uri_join(u, big, sizeof big);
	pr("join", j);
	printf("\n");
	evhttp_uri_free(u);
}

static const char *inputs[] = {
	"http://www.example.com/",
	"http://www.example.com",
	"http://www.example.com:8080/a/b?c=d&e=f#frag",
	"HTTP://User:Pass@Example.COM:80/p",
	"https://user@host:/x",
	"http://[::1]:8080/x",
	"http://[::1]/",
	"http://[fe80::1%25eth0]/",
	"http://[v1.fe:80]/",
	"http://[vz.a]/",
	"http://[v1]/",
	"http://[1.2.3.4]/",
	"http://[::1/",
	"http://host:99999/",
	"http://host:65535/",
	"http://host:6553a/",
	"http://ho st/",
	"http://host%2/",
	"http://host%20x/",
	"http://us%er@host/",
	"http://us%41er@host/",
	"http://a@b@c/",
	"http://@host/",
	"http:///path",
	"http://",
	"//host/path",
	"//host",
	"///x",
	"/a/b/c",
	"/a//b",
	"//",
	"a:b",
	"a:b:c",
	"1a:b",
	"a1+.-:x",
	"rel/path?q#f",
	"rel:path",
	"./rel:path",
	"",
	"?",
	"#",
	"?q",
	"#f",
	"/p?q?q2#f?x",
	"/p#f#g",
	"/p q",
	"/p%zz",
	"/p%4",
	"/p%41",
	"/p<x>",
	"/p\"",
	"/p{}|\\^`",
	"/\x7f",
	"/\xc3\xa9",
	"mailto:joe@example.com",
	"file:///etc/hosts",
	"http://h/?a=1&b=2;c=3",
	"http://h/p?q#f?/:@!$&'()*+,;=",
	"http://h:8/p:q@r",
	"x://h:1:2/",
	"http://[::1]:/",
	"http://h.example.:80/",
	"http://-h_.~x/",
	"http://h/%",
	"http://h/?%",
	"http://h/#%",
	NULL
};

int main(void)
{
	tc_alarm("http_uri", 10);
	for (int i = 0; inputs[i]; i++)
		parse(inputs[i], 0);
	for (int i = 0; inputs[i]; i++)
		parse(inputs[i], EVHTTP_URI_NONCONFORMANT);

	/* evhttp_uri_parse is parse_with_flags with no flags */
	for (int i = 0; inputs[i] && i < 12; i++) {
		struct evhttp_uri *a = evhttp_uri_parse(inputs[i]);
		struct evhttp_uri *b = evhttp_uri_parse_with_flags(inputs[i], 0);
		printf("uri_parse %d: %s\n", i, (a == NULL) == (b == NULL) ? "same" : "differs");
		if (a)
			evhttp_uri_free(a);
		if (b)
			evhttp_uri_free(b);
	}

	struct evhttp_uri *u = evhttp_uri_new();
	printf("new:");
	show(u);
	char buf[256];
	pr(" join", evhttp_uri_join(u, buf, sizeof buf));
	printf("\n");
#define T(expr) do { int r_ = (expr); printf(" %s=%d", #expr, r_); } while (0)
	T(evhttp_uri_set_scheme(u, "http")); T(evhttp_uri_set_scheme(u, "1x")); T(evhttp_uri_set_scheme(u, ""));
	printf("\n");
	T(evhttp_uri_set_host(u, "a b")); T(evhttp_uri_set_host(u, "[::1]")); T(evhttp_uri_set_host(u, "[::g]"));
	T(evhttp_uri_set_host(u, "")); T(evhttp_uri_set_host(u, "[v7.x]")); T(evhttp_uri_set_host(u, "example.com"));
	T(evhttp_uri_set_host(u, "h%41"));
	printf("\n");
	T(evhttp_uri_set_userinfo(u, "a@b")); T(evhttp_uri_set_userinfo(u, "a%4")); T(evhttp_uri_set_userinfo(u, "a:b"));
	printf("\n");
	T(evhttp_uri_set_port(u, -1)); T(evhttp_uri_set_port(u, -2)); T(evhttp_uri_set_port(u, 70000));
	T(evhttp_uri_set_port(u, 8080)); T(evhttp_uri_get_port(u));
	printf("\n");
	T(evhttp_uri_set_path(u, "/a b")); T(evhttp_uri_set_path(u, "/a?b")); T(evhttp_uri_set_path(u, "/a/b"));
	printf("\n");
	T(evhttp_uri_set_query(u, "x#")); T(evhttp_uri_set_query(u, "x=1?y")); T(evhttp_uri_set_fragment(u, "f#"));
	T(evhttp_uri_set_fragment(u, "f?g"));
	printf("\n");
	printf("built:");
	show(u);
	pr(" join", evhttp_uri_join(u, buf, sizeof buf));
	printf("\n");
	T(evhttp_uri_set_path(u, "rel"));
	pr(" join-host-rel", evhttp_uri_join(u, buf, sizeof buf));
	printf("\n");
	T(evhttp_uri_set_host(u, NULL));
	pr(" join-nohost", evhttp_uri_join(u, buf, sizeof buf));
	printf("\n");
	T(evhttp_uri_set_scheme(u, NULL)); T(evhttp_uri_set_query(u, NULL)); T(evhttp_uri_set_fragment(u, NULL));
	T(evhttp_uri_set_userinfo(u, NULL)); T(evhttp_uri_set_path(u, NULL));
	pr(" join-empty", evhttp_uri_join(u, buf, sizeof buf));
	printf("\n");
	printf("join(limit 1) %s", evhttp_uri_join(u, buf, 1) ? "ok" : "NULL");
	printf(" join(limit 0) %s\n", evhttp_uri_join(u, buf, 0) ? "ok" : "NULL");
	T(evhttp_uri_set_path(u, "/a b"));
	evhttp_uri_set_flags(u, EVHTTP_URI_NONCONFORMANT);
	printf(" (set_flags NONCONFORMANT)");
	T(evhttp_uri_set_path(u, "/a b"));
	pr(" path", evhttp_uri_get_path(u));
	T(evhttp_uri_set_query(u, "a b?c"));
	T(evhttp_uri_set_query(u, "a#b"));
	T(evhttp_uri_set_fragment(u, "a#b c"));
	printf("\n");
	evhttp_uri_free(u);
	printf("done\n");
	return 0;
}
