/* hello_client: load client for the seed hello-world server (no libevent).
 *
 *   hello_client --probe PORT
 *       exit 0 if something accepts TCP connections on 127.0.0.1:PORT.
 *   hello_client PORT TOTAL CONCURRENCY [EARLY_EVERY]
 *       opens TOTAL connections to 127.0.0.1:PORT, at most CONCURRENCY at a
 *       time. Every EARLY_EVERY-th client (default 10) disconnects right
 *       after connecting (every other one of those with SO_LINGER 0, i.e. an
 *       RST); every other client must receive exactly "Hello, World!\n" and
 *       then EOF. Prints one summary line:
 *         clients=N normal=N ok=N bad=N early=N rst=N timeouts=N
 *       and exits 0 only if every normal client got the exact answer.
 * Every wait is bounded: 10 s per client, 60 s overall.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static const char MESSAGE[] = "Hello, World!\n";

static double now(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return tv.tv_sec + tv.tv_usec / 1e6;
}

static int start_connect(unsigned short port)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

static int probe(unsigned short port)
{
	int fd = start_connect(port), err = 0;
	socklen_t l = sizeof(err);
	struct pollfd p;
	if (fd < 0)
		return 1;
	p.fd = fd;
	p.events = POLLOUT;
	p.revents = 0;
	if (poll(&p, 1, 1000) != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l) != 0 || err != 0) {
		close(fd);
		return 1;
	}
	close(fd);
	return 0;
}

enum kind { NORMAL, EARLY, EARLY_RST };
struct slot {
	int fd;
	int idx;
	enum kind kind;
	int connected;
	char buf[64];
	size_t len;
	double start;
};

int main(int argc, char **argv)
{
	unsigned short port;
	int total, conc, early_every = 10;
	int started = 0, finished = 0, nnormal = 0, ok = 0, bad = 0, early = 0, rst = 0, timeouts = 0;
	int reported = 0, i;
	struct slot *slots;
	struct pollfd *pfds;
	double deadline;

	if (argc == 3 && strcmp(argv[1], "--probe") == 0)
		return probe((unsigned short)atoi(argv[2]));
	if (argc < 4) {
		fprintf(stderr, "usage: %s PORT TOTAL CONCURRENCY [EARLY_EVERY] | --probe PORT\n", argv[0]);
		return 2;
	}
	port = (unsigned short)atoi(argv[1]);
	total = atoi(argv[2]);
	conc = atoi(argv[3]);
	if (argc > 4)
		early_every = atoi(argv[4]);
	if (total < 1 || conc < 1 || early_every < 1)
		return 2;
	slots = calloc((size_t)conc, sizeof(*slots));
	pfds = calloc((size_t)conc, sizeof(*pfds));
	for (i = 0; i < conc; i++)
		slots[i].fd = -1;
	deadline = now() + 60;

	while (finished < total && now() < deadline) {
		int n;
		/* fill free slots */
		for (i = 0; i < conc && started < total; i++) {
			if (slots[i].fd >= 0)
				continue;
			slots[i].idx = started;
			if (early_every > 0 && started % early_every == early_every - 1)
				slots[i].kind = ((started / early_every) % 2) ? EARLY_RST : EARLY;
			else
				slots[i].kind = NORMAL;
			slots[i].connected = 0;
			slots[i].len = 0;
			slots[i].start = now();
			slots[i].fd = start_connect(port);
			started++;
			if (slots[i].fd < 0) {
				bad++;
				finished++;
				if (reported++ < 5)
					fprintf(stderr, "client %d: connect failed: %s\n", slots[i].idx, strerror(errno));
			}
		}
		for (i = 0; i < conc; i++) {
			pfds[i].fd = slots[i].fd;
			pfds[i].revents = 0;
			if (slots[i].fd < 0)
				pfds[i].events = 0;
			else if (slots[i].kind != NORMAL && !slots[i].connected)
				pfds[i].events = POLLOUT;
			else
				pfds[i].events = POLLIN;
		}
		n = poll(pfds, (nfds_t)conc, 100);
		if (n < 0 && errno != EINTR)
			break;
		for (i = 0; i < conc; i++) {
			struct slot *s = &slots[i];
			int done = 0;
			if (s->fd < 0)
				continue;
			if (pfds[i].revents) {
				if (s->kind != NORMAL) {
					/* early disconnect: close as soon as connected */
					if (s->kind == EARLY_RST) {
						struct linger lg = {1, 0};
						setsockopt(s->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
						rst++;
					}
					early++;
					done = 1;
				} else {
					ssize_t r = recv(s->fd, s->buf + s->len, sizeof(s->buf) - 1 - s->len, 0);
					if (r > 0) {
						s->len += (size_t)r;
						if (s->len >= sizeof(s->buf) - 1) {
							bad++;
							done = 1;
						}
					} else if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
						s->buf[s->len] = 0;
						nnormal++;
						if (r == 0 && s->len == strlen(MESSAGE) && memcmp(s->buf, MESSAGE, s->len) == 0) {
							ok++;
						} else {
							bad++;
							if (reported++ < 5)
								fprintf(stderr, "client %d: got %u bytes '%s'%s\n", s->idx,
								    (unsigned)s->len, s->buf, r < 0 ? " then an error" : "");
						}
						done = 1;
					}
				}
			} else if (now() - s->start > 10) {
				timeouts++;
				if (s->kind == NORMAL)
					nnormal++;
				if (reported++ < 5)
					fprintf(stderr, "client %d: timed out (%u bytes so far)\n", s->idx, (unsigned)s->len);
				done = 1;
			}
			if (done) {
				close(s->fd);
				s->fd = -1;
				finished++;
			}
		}
	}
	if (finished < total)
		fprintf(stderr, "overall deadline hit: %d of %d clients finished\n", finished, total);
	printf("clients=%d normal=%d ok=%d bad=%d early=%d rst=%d timeouts=%d\n", total, nnormal, ok, bad,
	    early, rst, timeouts + (total - finished));
	return (finished == total && bad == 0 && timeouts == 0 && ok == nnormal) ? 0 : 1;
}
