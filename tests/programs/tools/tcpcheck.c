/* tcpcheck: a checked byte stream through whatever relays TCP (no libevent).
 *
 *   tcpcheck serve ADDR PORT
 *       Listens on ADDR:PORT; for each connection (a forked process) writes the banner
 *       "TCPCHECK ADDR:PORT\n", then sends back every byte it receives XOR 0x5A, and
 *       closes after the peer's end of stream. Runs until killed.
 *   tcpcheck client [-b SRCADDR] ADDR PORT BYTES CONNS
 *       CONNS parallel connections (forked) to ADDR:PORT, each optionally bound to
 *       SRCADDR: reads the banner, sends BYTES pseudo-random bytes (full duplex, while
 *       reading), reads until it has the banner + every byte XOR 0x5A, checking each,
 *       and closes (no half-close: SOCKS proxies such as microsocks close both ways on
 *       the first end of stream). Prints "ok: ..." and exits 0, or the first
 *       difference and exits 1. Every wait is bounded (20 s without progress).
 *       The banner must name BANNER_ADDR:PORT if -e BANNER_ADDR is given (the server
 *       that really answered), else ADDR:PORT.
 *   tcpcheck connect-proxy ADDR PORT
 *       A minimal HTTP CONNECT proxy on ADDR:PORT: per connection (forked) reads the
 *       request head, connects to the host:port of its CONNECT line, answers "200" and
 *       relays both ways until both ends are closed. Counts nothing, checks nothing: the
 *       client end checks the stream.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io.h"

static void addr_of(struct sockaddr_in *sa, const char *ip, int port)
{
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, ip, &sa->sin_addr) != 1) {
		fprintf(stderr, "bad address %s\n", ip);
		exit(2);
	}
}

static void serve_conn(int fd, const char *banner)
{
	unsigned char buf[65536];
	if (write_all(fd, banner, strlen(banner)) < 0)
		_exit(1);
	for (;;) {
		ssize_t r = read(fd, buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		for (ssize_t i = 0; i < r; i++)
			buf[i] ^= 0x5A;
		if (write_all(fd, buf, (size_t)r) < 0)
			_exit(1);
	}
	close(fd);
	_exit(0);
}

static int serve(const char *ip, int port)
{
	struct sockaddr_in sa;
	int one = 1, l = socket(AF_INET, SOCK_STREAM, 0);
	char banner[128];
	snprintf(banner, sizeof banner, "TCPCHECK %s:%d\n", ip, port);
	addr_of(&sa, ip, port);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(l, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(l, 64) < 0) {
		perror("bind/listen");
		return 1;
	}
	signal(SIGCHLD, SIG_IGN);
	for (;;) {
		int c = accept(l, NULL, NULL);
		if (c < 0) {
			if (errno == EINTR)
				continue;
			perror("accept");
			return 1;
		}
		pid_t p = fork();
		if (p == 0) {
			close(l);
			serve_conn(c, banner);
		}
		close(c);
	}
}

static uint8_t stream_byte(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint8_t)(*s >> 11);
}

static int client_conn(int id, const char *src, const char *ip, int port, size_t bytes, const char *banner)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (src) {
		struct sockaddr_in b;
		addr_of(&b, src, 0);
		if (bind(fd, (struct sockaddr *)&b, sizeof b) < 0) {
			fprintf(stderr, "conn %d: bind %s: %s\n", id, src, strerror(errno));
			return 1;
		}
	}
	addr_of(&sa, ip, port);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		fprintf(stderr, "conn %d: connect: %s\n", id, strerror(errno));
		return 1;
	}
	size_t blen = strlen(banner), sent = 0, got = 0, total = blen + bytes;
	uint64_t ws = 0x1234567ull + (uint64_t)id * 7919, rs = ws;
	unsigned char out[16384], in[65536];
	size_t outlen = 0, outoff = 0;
	int wr_open = 1;
	while (got < total) {
		struct pollfd p = {fd, POLLIN | (wr_open ? POLLOUT : 0), 0};
		int n = poll(&p, 1, 20000);
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0) {
			fprintf(stderr, "conn %d: no progress for 20 s (sent %zu of %zu, got %zu of %zu)\n",
				id, sent, bytes, got, total);
			return 1;
		}
		if (wr_open && (p.revents & POLLOUT)) {
			if (outoff == outlen) {
				outlen = bytes - sent < sizeof out ? bytes - sent : sizeof out;
				for (size_t i = 0; i < outlen; i++)
					out[i] = stream_byte(&ws);
				outoff = 0;
			}
			ssize_t w = write(fd, out + outoff, outlen - outoff);
			if (w < 0 && errno != EINTR && errno != EAGAIN) {
				fprintf(stderr, "conn %d: write: %s\n", id, strerror(errno));
				return 1;
			}
			if (w > 0) {
				outoff += (size_t)w;
				sent += (size_t)w;
			}
			if (sent == bytes && outoff == outlen)
				wr_open = 0;
		}
		if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t r = read(fd, in, sizeof in);
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0) {
				fprintf(stderr, "conn %d: read: %s (got %zu of %zu)\n", id, strerror(errno), got, total);
				return 1;
			}
			if (r == 0) {
				fprintf(stderr, "conn %d: end of stream after %zu of %zu bytes\n", id, got, total);
				return 1;
			}
			for (ssize_t i = 0; i < r; i++, got++) {
				unsigned char want = got < blen ? (unsigned char)banner[got]
								: (unsigned char)(stream_byte(&rs) ^ 0x5A);
				if (in[i] != want) {
					if (got < blen)
						fprintf(stderr, "conn %d: banner differs at byte %zu (want \"%.*s\")\n",
							id, got, (int)blen - 1, banner);
					else
						fprintf(stderr, "conn %d: stream differs at byte %zu\n", id, got - blen);
					return 1;
				}
			}
		}
	}
	close(fd);
	return 0;
}

/* relay: copy both ways between a and b until both directions ended. */
static void relay(int a, int b)
{
	unsigned char buf[65536];
	int open_ab = 1, open_ba = 1;
	while (open_ab || open_ba) {
		struct pollfd p[2] = {{a, open_ab ? POLLIN : 0, 0}, {b, open_ba ? POLLIN : 0, 0}};
		if (poll(p, 2, 60000) <= 0)
			return;
		for (int i = 0; i < 2; i++) {
			int from = i ? b : a, to = i ? a : b;
			if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			ssize_t r = read(from, buf, sizeof buf);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				shutdown(to, SHUT_WR);
				if (i)
					open_ba = 0;
				else
					open_ab = 0;
				continue;
			}
			if (write_all(to, buf, (size_t)r) < 0)
				return;
		}
	}
}

static void proxy_conn(int c)
{
	char head[8192], host[256];
	size_t n = 0;
	int port;
	/* the request head, up to the empty line */
	while (n < sizeof head - 1) {
		ssize_t r = read(c, head + n, sizeof head - 1 - n);
		if (r <= 0)
			_exit(1);
		n += (size_t)r;
		head[n] = 0;
		if (strstr(head, "\r\n\r\n"))
			break;
	}
	char *end = strstr(head, "\r\n\r\n");
	if (!end || sscanf(head, "CONNECT %255[^:]:%d HTTP/1.", host, &port) != 2) {
		write_all(c, "HTTP/1.0 400 Bad Request\r\n\r\n", 28);
		_exit(1);
	}
	struct sockaddr_in sa;
	addr_of(&sa, host, port);
	int u = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(u, (struct sockaddr *)&sa, sizeof sa) < 0) {
		write_all(c, "HTTP/1.0 502 Bad Gateway\r\n\r\n", 28);
		_exit(1);
	}
	const char *ok = "HTTP/1.0 200 Connection established\r\n\r\n";
	if (write_all(c, ok, strlen(ok)) < 0)
		_exit(1);
	/* bytes the client sent after the head go upstream first */
	size_t rest = n - (size_t)(end + 4 - head);
	if (rest && write_all(u, end + 4, rest) < 0)
		_exit(1);
	relay(c, u);
	_exit(0);
}

static int connect_proxy(const char *ip, int port)
{
	struct sockaddr_in sa;
	int one = 1, l = socket(AF_INET, SOCK_STREAM, 0);
	addr_of(&sa, ip, port);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(l, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(l, 64) < 0) {
		perror("bind/listen");
		return 1;
	}
	signal(SIGCHLD, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		int c = accept(l, NULL, NULL);
		if (c < 0) {
			if (errno == EINTR)
				continue;
			perror("accept");
			return 1;
		}
		if (fork() == 0) {
			close(l);
			proxy_conn(c);
		}
		close(c);
	}
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "serve") == 0)
		return serve(argv[2], atoi(argv[3]));
	if (argc == 4 && strcmp(argv[1], "connect-proxy") == 0)
		return connect_proxy(argv[2], atoi(argv[3]));
	if (argc < 2 || strcmp(argv[1], "client") != 0) {
		fprintf(stderr, "usage: tcpcheck serve ADDR PORT | client [-b SRC] [-e BANNER_ADDR] ADDR PORT BYTES CONNS\n");
		return 2;
	}
	const char *src = NULL, *bip = NULL;
	int i = 2;
	while (i + 1 < argc && argv[i][0] == '-') {
		if (strcmp(argv[i], "-b") == 0)
			src = argv[i + 1];
		else if (strcmp(argv[i], "-e") == 0)
			bip = argv[i + 1];
		i += 2;
	}
	if (argc - i != 4) {
		fprintf(stderr, "client: want ADDR PORT BYTES CONNS\n");
		return 2;
	}
	const char *ip = argv[i];
	int port = atoi(argv[i + 1]), conns = atoi(argv[i + 3]);
	size_t bytes = strtoull(argv[i + 2], NULL, 10);
	char banner[128];
	snprintf(banner, sizeof banner, "TCPCHECK %s:%d\n", bip ? bip : ip, port);
	signal(SIGPIPE, SIG_IGN);
	for (int c = 0; c < conns; c++) {
		pid_t p = fork();
		if (p == 0)
			_exit(client_conn(c, src, ip, port, bytes, banner));
	}
	int bad = 0;
	for (int c = 0; c < conns; c++) {
		int st;
		if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			bad++;
	}
	if (bad) {
		printf("FAIL: %d of %d connections went wrong\n", bad, conns);
		return 1;
	}
	printf("ok: %d connections x %zu bytes each way, banner + stream intact\n", conns, bytes);
	return 0;
}
