/* httpsink: an HTTP/1.x server that records what clients send (no libevent).
 *
 *   httpsink ADDR PORT LOGFILE
 *       Listens on ADDR:PORT, one connection at a time. For each request it reads
 *       the head and a Content-Length body, appends to LOGFILE the head as it came
 *       (CRLFs shown as "\r\n" line ends) followed by "BODY <n>: " and the body with
 *       CR and LF escaped, then "END", and answers "200 OK" with an empty body. It
 *       keeps the connection open for further requests unless the request said
 *       "Connection: close" (or was HTTP/1.0), then closes it after the answer.
 *       A connection idle for 20 s is dropped. Runs until killed.
 *
 * It records bytes for the test to check (the programs under test are the HTTP
 * clients): it does not answer like a general web server.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "io.h"

#define MAXREQ (1 << 20)

/* fill: read more into buf (at *len), waiting at most 20 s; 0 on data, -1 on EOF/error/timeout. */
static int fill(int fd, char *buf, size_t *len)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	if (*len >= MAXREQ)
		return -1;
	if (poll(&p, 1, 20000) <= 0)
		return -1;
	ssize_t r = read(fd, buf + *len, MAXREQ - *len);
	if (r <= 0)
		return -1;
	*len += (size_t)r;
	return 0;
}

/* header: the value of header NAME in the head [h, h+n), or NULL. */
static const char *header(const char *h, size_t n, const char *name, size_t *vlen)
{
	size_t nl = strlen(name);
	const char *end = h + n, *line = memchr(h, '\n', n);
	while (line && line + 1 < end) {
		line++;
		const char *eol = memchr(line, '\n', (size_t)(end - line));
		if (!eol)
			break;
		if ((size_t)(eol - line) > nl && strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
			const char *v = line + nl + 1;
			while (v < eol && (*v == ' ' || *v == '\t'))
				v++;
			const char *ve = eol;
			while (ve > v && (ve[-1] == '\r' || ve[-1] == ' '))
				ve--;
			*vlen = (size_t)(ve - v);
			return v;
		}
		line = eol;
	}
	return NULL;
}

static void serve_conn(int fd, FILE *log)
{
	static char buf[MAXREQ + 1];
	size_t len = 0;
	for (;;) {
		char *eoh;
		buf[len] = '\0';
		while ((eoh = strstr(buf, "\r\n\r\n")) == NULL) {
			if (fill(fd, buf, &len) < 0)
				return;
			buf[len] = '\0';
		}
		size_t hlen = (size_t)(eoh - buf) + 4, vlen = 0, blen = 0;
		const char *v = header(buf, hlen, "Content-Length", &vlen);
		if (v)
			blen = strtoul(v, NULL, 10);
		if (blen > MAXREQ - hlen)
			return;
		while (len < hlen + blen)
			if (fill(fd, buf, &len) < 0)
				return;
		for (size_t i = 0; i < hlen - 2; i++) {
			if (buf[i] == '\r' && buf[i + 1] == '\n') {
				fputs("\\r\\n\n", log);
				i++;
			} else
				fputc(buf[i], log);
		}
		fprintf(log, "BODY %zu: ", blen);
		for (size_t i = hlen; i < hlen + blen; i++) {
			if (buf[i] == '\r')
				fputs("\\r", log);
			else if (buf[i] == '\n')
				fputs("\\n", log);
			else
				fputc(buf[i], log);
		}
		fputs("\nEND\n", log);
		fflush(log);
		int close_after = 0;
		v = header(buf, hlen, "Connection", &vlen);
		if (v && vlen == 5 && strncasecmp(v, "close", 5) == 0)
			close_after = 1;
		char *eol = memchr(buf, '\n', hlen);
		if (eol && eol - buf >= 9 && strncmp(eol - 9, "HTTP/1.0", 8) == 0)
			close_after = 1;
		const char *ans = close_after
			? "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
			: "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
		if (write_all(fd, ans, strlen(ans)) < 0 || close_after)
			return;
		memmove(buf, buf + hlen + blen, len - hlen - blen);
		len -= hlen + blen;
	}
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: httpsink ADDR PORT LOGFILE\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	FILE *log = fopen(argv[3], "a");
	if (!log) {
		perror(argv[3]);
		return 1;
	}
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[2]))};
	if (inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1) {
		fprintf(stderr, "bad address %s\n", argv[1]);
		return 2;
	}
	int one = 1, s = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(s, 16) < 0) {
		perror("listen");
		return 1;
	}
	for (;;) {
		int c = accept(s, NULL, NULL);
		if (c < 0) {
			if (errno == EINTR)
				continue;
			perror("accept");
			return 1;
		}
		fputs("CONNECTION\n", log);
		fflush(log);
		serve_conn(c, log);
		close(c);
	}
}
