/* dnsstub: a tiny UDP DNS server for the program tests (no libevent).
 *
 *   dnsstub PORT LOGFILE [-t TCPPORT] [NAME=ADDR ...]
 *
 * Listens on 127.0.0.1:PORT. A query for NAME (or any name ending in
 * ".NAME"; case ignored) of type A or AAAA is answered with ADDR when ADDR
 * is of that family (several NAME=ADDR pairs may share a name), with an
 * empty answer when the name is known but not in that family, else with
 * NXDOMAIN. Every query is appended to LOGFILE as "name type" (name in
 * lower case) and flushed at once. With -t, also accepts TCP connections
 * on 127.0.0.1:TCPPORT and logs "tcp FIRST-LINE" (what the client sent
 * first, up to a newline, within 3 s) for each. Runs until killed. */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

struct rule { const char *name; int family; unsigned char addr[16]; };

static int matches(const char *q, const char *name)
{
	size_t lq = strlen(q), ln = strlen(name);
	if (strcasecmp(q, name) == 0)
		return 1;
	return lq > ln && q[lq - ln - 1] == '.' && strcasecmp(q + lq - ln, name) == 0;
}

int main(int argc, char **argv)
{
	static struct rule rules[64];
	int nrules = 0, tcpport = 0, first = 3;
	if (argc < 3) {
		fprintf(stderr, "usage: dnsstub PORT LOGFILE [-t TCPPORT] [NAME=ADDR ...]\n");
		return 2;
	}
	if (argc > 4 && strcmp(argv[3], "-t") == 0) {
		tcpport = atoi(argv[4]);
		first = 5;
	}
	for (int i = first; i < argc && nrules < 64; i++) {
		char *eq = strchr(argv[i], '=');
		if (!eq)
			continue;
		*eq = 0;
		struct rule *r = &rules[nrules];
		r->name = argv[i];
		if (inet_pton(AF_INET, eq + 1, r->addr) == 1)
			r->family = AF_INET;
		else if (inet_pton(AF_INET6, eq + 1, r->addr) == 1)
			r->family = AF_INET6;
		else
			continue;
		nrules++;
	}
	FILE *log = fopen(argv[2], "a");
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sin;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)atoi(argv[1]));
	sin.sin_addr.s_addr = htonl(0x7f000001);
	if (!log || fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0) {
		perror("dnsstub");
		return 1;
	}
	int lfd = -1;
	if (tcpport) {
		int one = 1;
		lfd = socket(AF_INET, SOCK_STREAM, 0);
		setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		sin.sin_port = htons((unsigned short)tcpport);
		if (lfd < 0 || bind(lfd, (struct sockaddr *)&sin, sizeof sin) != 0 || listen(lfd, 16) != 0) {
			perror("dnsstub: tcp");
			return 1;
		}
	}
	for (;;) {
		unsigned char q[1500], out[1500];
		struct sockaddr_in from;
		socklen_t fl = sizeof from;
		struct pollfd pfd[2] = { { .fd = fd, .events = POLLIN }, { .fd = lfd, .events = POLLIN } };
		if (poll(pfd, lfd >= 0 ? 2 : 1, -1) <= 0)
			continue;
		if (lfd >= 0 && (pfd[1].revents & POLLIN)) {
			int c = accept(lfd, NULL, NULL);
			char line[128];
			int got = 0;
			struct pollfd cp = { .fd = c, .events = POLLIN };
			while (c >= 0 && got < (int)sizeof line - 1 && poll(&cp, 1, 3000) > 0) {
				ssize_t r = read(c, line + got, 1);
				if (r <= 0 || line[got] == '\n' || line[got] == '\r')
					break;
				got++;
			}
			line[got] = 0;
			fprintf(log, "tcp %s\n", line);
			fflush(log);
			if (c >= 0)
				close(c);
		}
		if (!(pfd[0].revents & POLLIN))
			continue;
		ssize_t n = recvfrom(fd, q, sizeof q, 0, (struct sockaddr *)&from, &fl);
		if (n < 12 || (q[2] & 0x80))
			continue;
		char name[256];
		int off = 12, o = 0;
		while (off < n && q[off] && o < 250) {
			int l = q[off++];
			if (l & 0xc0 || off + l > n || o + l > 250)
				break;
			if (o)
				name[o++] = '.';
			for (int k = 0; k < l; k++)
				name[o++] = (char)tolower(q[off + k]);
			off += l;
		}
		name[o] = 0;
		if (off + 5 > n)
			continue;
		off++; /* the root label */
		int qtype = q[off] << 8 | q[off + 1];
		off += 4;
		fprintf(log, "%s %d\n", name, qtype);
		fflush(log);
		int family = qtype == 1 ? AF_INET : qtype == 28 ? AF_INET6 : 0;
		int known = 0, an = 0, len = off;
		memcpy(out, q, (size_t)off);
		for (int i = 0; i < nrules; i++) {
			if (!matches(name, rules[i].name))
				continue;
			known = 1;
			if (rules[i].family != family)
				continue;
			int sz = family == AF_INET ? 4 : 16;
			unsigned char rr[12] = { 0xc0, 0x0c, 0, (unsigned char)qtype, 0, 1, 0, 0, 0, 60, 0, (unsigned char)sz };
			memcpy(out + len, rr, 12);
			memcpy(out + len + 12, rules[i].addr, (size_t)sz);
			len += 12 + sz;
			an++;
		}
		out[2] = 0x84 | (q[2] & 0x01); /* QR, AA, RD copied */
		out[3] = known ? 0x80 : 0x83;  /* RA, NOERROR or NXDOMAIN */
		out[4] = 0, out[5] = 1;
		out[6] = (unsigned char)(an >> 8), out[7] = (unsigned char)an;
		out[8] = out[9] = out[10] = out[11] = 0;
		sendto(fd, out, (size_t)len, 0, (struct sockaddr *)&from, fl);
	}
}
