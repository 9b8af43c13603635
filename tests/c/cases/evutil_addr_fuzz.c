/* evutil_addr_fuzz: many generated inputs (a fixed pseudo-random sequence)
 * through evutil_inet_pton (both families), evutil_inet_pton_scope,
 * evutil_parse_sockaddr_port, evutil_inet_ntop and evutil_sockaddr_cmp;
 * prints counts and a hash of every result per function. Set
 * EVUTIL_FUZZ_VERBOSE=1 to print each result (to diff two libraries). */
#include <event2/event.h>
#include <event2/util.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testcase.h"

/* timeout: 60 */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rng_state >> 33);
}

struct hash { uint64_t h; unsigned ok, bad, err; };
static void mix(struct hash *h, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;
	if (!h->h)
		h->h = 1469598103934665603ull;
	for (i = 0; i < n; i++) {
		h->h ^= b[i];
		h->h *= 1099511628211ull;
	}
}
static void count(struct hash *h, int r)
{
	if (r == 1 || r == 0x100)
		h->ok++;
	else if (r == 0)
		h->bad++;
	else
		h->err++;
	mix(h, &r, sizeof(r));
}

static int verbose;

/* text made of address-ish pieces, so that many are valid or nearly so */
static void gen(char *s, size_t cap)
{
	static const char *pieces[] = {
		"0", "1", "9", "12", "255", "256", "1234", "ffff", "fffff", "ABCD", "0x1", "00",
		".", ".", ".", ":", ":", ":", "::", ":::", "[", "]", "%", "%lo", "%3", " ",
		"-", "+", "g", "1.2.3.4", "::1", "fe80::", "65535", "65536", "0:", "", "4294967296",
	};
	size_t n = 0, k = rnd() % 12, i;
	s[0] = '\0';
	for (i = 0; i < k; i++) {
		const char *p = pieces[rnd() % (sizeof(pieces) / sizeof(pieces[0]))];
		size_t l = strlen(p);
		if (n + l + 1 >= cap)
			break;
		memcpy(s + n, p, l);
		n += l;
		s[n] = '\0';
	}
}

int main(void)
{
	struct hash h4 = { 0, 0, 0, 0 }, h6 = { 0, 0, 0, 0 }, hs = { 0, 0, 0, 0 };
	struct hash hp = { 0, 0, 0, 0 }, hn = { 0, 0, 0, 0 }, hc = { 0, 0, 0, 0 };
	char s[160];
	int i;

	verbose = getenv("EVUTIL_FUZZ_VERBOSE") != NULL;
	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("evutil_addr_fuzz", 50);
	tc_log_capture();

	for (i = 0; i < 60000; i++) {
		unsigned char b[16];
		struct sockaddr_storage ss;
		unsigned idx;
		int r, len;

		gen(s, sizeof(s));

		memset(b, 0xaa, sizeof(b));
		r = evutil_inet_pton(AF_INET, s, b);
		count(&h4, r);
		mix(&h4, b, 4);
		if (verbose)
			printf("pton4 \"%s\" %d %02x%02x%02x%02x\n", s, r, b[0], b[1], b[2], b[3]);

		memset(b, 0xaa, sizeof(b));
		r = evutil_inet_pton(AF_INET6, s, b);
		count(&h6, r);
		mix(&h6, b, 16);
		if (verbose)
			printf("pton6 \"%s\" %d\n", s, r);

		memset(b, 0xaa, sizeof(b));
		idx = 777;
		r = evutil_inet_pton_scope(AF_INET6, s, b, &idx);
		count(&hs, r);
		mix(&hs, b, 16);
		mix(&hs, &idx, sizeof(idx));
		if (verbose)
			printf("scope \"%s\" %d %u\n", s, r, idx);

		memset(&ss, 0x55, sizeof(ss));
		len = (rnd() % 4) ? (int)sizeof(ss) : (int)(rnd() % 40);
		r = evutil_parse_sockaddr_port(s, (struct sockaddr *)&ss, &len);
		count(&hp, r == 0 ? 0x100 : r);
		mix(&hp, &len, sizeof(len));
		mix(&hp, &ss, sizeof(ss));
		if (verbose)
			printf("parse \"%s\" %d %d\n", s, r, len);
	}

	for (i = 0; i < 60000; i++) {
		unsigned char b[16];
		char out[64];
		const char *o;
		size_t len;
		int j, af = (i % 5 == 0) ? AF_INET : AF_INET6;
		for (j = 0; j < 8; j++) {
			uint32_t x = rnd();
			int zero = (x & 3) != 0; /* mostly zero words, to make runs */
			b[2 * j] = zero ? 0 : (unsigned char)(x >> 8);
			b[2 * j + 1] = zero ? 0 : (unsigned char)(x >> 16);
			if ((x >> 24) % 13 == 0)
				b[2 * j] = b[2 * j + 1] = 0xff;
		}
		len = (rnd() % 3) ? sizeof(out) : rnd() % 42;
		memset(out, 'Z', sizeof(out));
		o = evutil_inet_ntop(af, b, out, len);
		count(&hn, o ? 1 : 0);
		mix(&hn, out, sizeof(out));
		if (verbose)
			printf("ntop %d len %zu %s \"%.63s\"\n", af, len, o ? "ok" : "NULL", out);

		{
			struct sockaddr_in6 a6, c6;
			struct sockaddr_in a4, c4;
			const struct sockaddr *x, *y;
			uint32_t k = rnd();
			memset(&a6, 0, sizeof(a6));
			memset(&c6, 0, sizeof(c6));
			memset(&a4, 0, sizeof(a4));
			memset(&c4, 0, sizeof(c4));
			a6.sin6_family = c6.sin6_family = AF_INET6;
			a4.sin_family = c4.sin_family = AF_INET;
			memcpy(&a6.sin6_addr, b, 16);
			memcpy(&c6.sin6_addr, b, 16);
			c6.sin6_addr.s6_addr[k % 16] ^= (unsigned char)((k >> 8) & 1 ? 1 : 0);
			a6.sin6_port = (uint16_t)(k >> 9 & 3);
			c6.sin6_port = (uint16_t)(k >> 11 & 3) << 8;
			memcpy(&a4.sin_addr, b, 4);
			memcpy(&c4.sin_addr, b + 4, 4);
			a4.sin_port = (uint16_t)(k >> 13 & 0x303);
			c4.sin_port = (uint16_t)(k >> 17 & 0x303);
			x = (k >> 20 & 1) ? (const struct sockaddr *)&a6 : (const struct sockaddr *)&a4;
			y = (k >> 21 & 1) ? (const struct sockaddr *)&c6 : (const struct sockaddr *)&c4;
			for (j = 0; j < 2; j++) {
				int c = evutil_sockaddr_cmp(x, y, j);
				c = c < 0 ? -1 : c > 0 ? 1 : 0;
				count(&hc, c == 0 ? 0 : c == 1 ? 1 : -1);
			}
		}
	}

	printf("pton AF_INET:   %u ok %u refused %u errors hash %016llx\n", h4.ok, h4.bad, h4.err,
	    (unsigned long long)h4.h);
	printf("pton AF_INET6:  %u ok %u refused %u errors hash %016llx\n", h6.ok, h6.bad, h6.err,
	    (unsigned long long)h6.h);
	printf("pton_scope:     %u ok %u refused %u errors hash %016llx\n", hs.ok, hs.bad, hs.err,
	    (unsigned long long)hs.h);
	printf("parse_sockaddr: %u ok %u refused %u errors hash %016llx\n", hp.ok, hp.bad, hp.err,
	    (unsigned long long)hp.h);
	printf("ntop:           %u ok %u NULL hash %016llx\n", hn.ok, hn.bad, (unsigned long long)hn.h);
	printf("sockaddr_cmp:   %u greater %u equal %u less hash %016llx\n", hc.ok, hc.bad, hc.err,
	    (unsigned long long)hc.h);
	printf("log calls: %d\n", tc_log_.n);
	printf("done\n");
	return 0;
}
