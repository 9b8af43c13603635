/* mcload: a concurrent, self-checking memcached text-protocol workload (no libevent).
 *
 * usage: mcload PORT CLIENTS OPS SEED
 *
 * Forks CLIENTS processes; each opens one connection to 127.0.0.1:PORT and does OPS
 * random operations on its own 40 keys (set, get, multi-get, append, delete, with
 * binary values of 1 byte to 96 KiB, \r\n included, so framing is tested) and keeps a
 * model of what each key holds: every answer is compared with the model (value bytes,
 * flags, STORED/NOT_FOUND...). All clients also incr one shared counter; at the end
 * its value must be the sum of their increments. Prints one summary line; exit 0 if
 * every answer was right, 1 otherwise (the first wrong answer is printed). Every read
 * is bounded by a 20 s socket timeout.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define NKEYS 40
#define MAXVAL (96 * 1024)

static int port;
static int me;

struct conn {
	int fd;
	char buf[65536];
	size_t off, len;
};

static void die(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "client %d: ", me);
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	exit(1);
}

static uint64_t rnd_state;
static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static void fill(unsigned char *p, size_t n, uint64_t seed)
{
	uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;
	for (size_t i = 0; i < n; i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		p[i] = (unsigned char)s;
		if ((s >> 20) % 61 == 0)
			p[i] = (s >> 30) & 1 ? '\r' : '\n';
	}
}

static int dial(void)
{
	struct sockaddr_in sa;
	struct timeval tv = {20, 0};
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		die("socket: %s%s", strerror(errno), "");
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons(port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		die("connect: %s%s", strerror(errno), "");
	return fd;
}

static void send_all(struct conn *c, const void *p, size_t n)
{
	const char *q = p;
	while (n > 0) {
		ssize_t w = write(c->fd, q, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die("write: %s%s", w < 0 ? strerror(errno) : "closed", "");
		q += w;
		n -= (size_t)w;
	}
}

static void fill_buf(struct conn *c)
{
	if (c->off > 0) {
		memmove(c->buf, c->buf + c->off, c->len - c->off);
		c->len -= c->off;
		c->off = 0;
	}
	for (;;) {
		ssize_t r = read(c->fd, c->buf + c->len, sizeof c->buf - c->len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die("read: %s%s (server too slow or stuck)", strerror(errno), "");
		if (r == 0)
			die("server closed the connection%s%s", "", "");
		c->len += (size_t)r;
		return;
	}
}

/* read_line: one line without its \r\n, into out (NUL-terminated). */
static void read_line(struct conn *c, char *out, size_t cap)
{
	for (;;) {
		char *nl = memchr(c->buf + c->off, '\n', c->len - c->off);
		if (nl) {
			size_t n = (size_t)(nl - (c->buf + c->off));
			if (n > 0 && c->buf[c->off + n - 1] == '\r')
				n--;
			if (n >= cap)
				n = cap - 1;
			memcpy(out, c->buf + c->off, n);
			out[n] = 0;
			c->off = (size_t)(nl - c->buf) + 1;
			return;
		}
		if (c->len - c->off >= sizeof c->buf - 1)
			die("line too long%s%s", "", "");
		fill_buf(c);
	}
}

static void read_n(struct conn *c, unsigned char *out, size_t n)
{
	while (n > 0) {
		if (c->off == c->len)
			fill_buf(c);
		size_t k = c->len - c->off;
		if (k > n)
			k = n;
		memcpy(out, c->buf + c->off, k);
		c->off += k;
		out += k;
		n -= k;
	}
}

static void expect_line(struct conn *c, const char *want, const char *what)
{
	char line[256];
	read_line(c, line, sizeof line);
	if (strcmp(line, want) != 0) {
		char msg[512];
		snprintf(msg, sizeof msg, "%s: got \"%.200s\", want", what, line);
		die("%s \"%s\"", msg, want);
	}
}

struct key {
	int present;
	unsigned flags;
	size_t len;
	unsigned char *val;
};

static struct key keys[NKEYS];
static unsigned char scratch[MAXVAL * 2 + 2];

static void keyname(char *out, int k)
{
	sprintf(out, "mcload:%d:%d", me, k);
}

static void store(struct conn *c, const char *cmd, int k, const unsigned char *v, size_t n, unsigned flags)
{
	char name[64], hdr[128];
	keyname(name, k);
	int h = snprintf(hdr, sizeof hdr, "%s %s %u 0 %zu\r\n", cmd, name, flags, n);
	send_all(c, hdr, (size_t)h);
	send_all(c, v, n);
	send_all(c, "\r\n", 2);
}

/* check_value: read one "VALUE name flags len" block for key k and compare with the model. */
static void check_value(struct conn *c, int k, const char *header)
{
	char name[64], want[160];
	struct key *m = &keys[k];
	keyname(name, k);
	snprintf(want, sizeof want, "VALUE %s %u %zu", name, m->flags, m->len);
	if (strcmp(header, want) != 0)
		die("get: header \"%s\", want \"%s\"", header, want);
	read_n(c, scratch, m->len + 2);
	if (memcmp(scratch, m->val, m->len) != 0)
		die("get %s: the value read back differs from the one stored%s", name, "");
	if (scratch[m->len] != '\r' || scratch[m->len + 1] != '\n')
		die("get %s: value not followed by CRLF%s", name, "");
}

static void op_set(struct conn *c, int k, uint64_t v)
{
	struct key *m = &keys[k];
	size_t n = 1 + (size_t)(v % 8 == 0 ? rnd() % MAXVAL : rnd() % 2048);
	free(m->val);
	m->val = malloc(n);
	fill(m->val, n, v);
	m->len = n;
	m->flags = (unsigned)(rnd() % 65536);
	m->present = 1;
	store(c, "set", k, m->val, n, m->flags);
	expect_line(c, "STORED", "set");
}

static void op_append(struct conn *c, int k, uint64_t v)
{
	struct key *m = &keys[k];
	size_t n = 1 + (size_t)(rnd() % 300);
	unsigned char *add = malloc(n);
	fill(add, n, v);
	store(c, "append", k, add, n, 0);
	if (!m->present) {
		expect_line(c, "NOT_STORED", "append to a missing key");
	} else {
		expect_line(c, "STORED", "append");
		m->val = realloc(m->val, m->len + n);
		memcpy(m->val + m->len, add, n);
		m->len += n;
	}
	free(add);
}

static void op_delete(struct conn *c, int k)
{
	char name[64], cmd[96];
	keyname(name, k);
	int h = snprintf(cmd, sizeof cmd, "delete %s\r\n", name);
	send_all(c, cmd, (size_t)h);
	expect_line(c, keys[k].present ? "DELETED" : "NOT_FOUND", "delete");
	keys[k].present = 0;
}

static void op_get(struct conn *c, const int *ks, int nk)
{
	char cmd[2048], name[64], line[256];
	int h = snprintf(cmd, sizeof cmd, "get");
	for (int i = 0; i < nk; i++) {
		keyname(name, ks[i]);
		h += snprintf(cmd + h, sizeof cmd - (size_t)h, " %s", name);
	}
	h += snprintf(cmd + h, sizeof cmd - (size_t)h, "\r\n");
	send_all(c, cmd, (size_t)h);
	for (int i = 0; i < nk; i++) {
		if (!keys[ks[i]].present)
			continue;
		read_line(c, line, sizeof line);
		check_value(c, ks[i], line);
	}
	expect_line(c, "END", "end of get");
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: mcload PORT CLIENTS OPS SEED\n");
		return 2;
	}
	port = atoi(argv[1]);
	int clients = atoi(argv[2]), ops = atoi(argv[3]);
	uint64_t seed = strtoull(argv[4], NULL, 10);
	int incrs_each = 0;
	struct conn *c = calloc(1, sizeof *c);

	/* the shared counter, before the clients start */
	c->fd = dial();
	send_all(c, "set mcload:ctr 0 0 1\r\n0\r\n", 25);
	expect_line(c, "STORED", "set of the shared counter");
	close(c->fd);

	int pfd[2];
	if (pipe(pfd) < 0) {
		perror("pipe");
		return 1;
	}
	for (int i = 0; i < clients; i++) {
		pid_t p = fork();
		if (p < 0) {
			perror("fork");
			return 1;
		}
		if (p > 0)
			continue;
		close(pfd[0]);
		me = i;
		rnd_state = seed * 1000003 + (uint64_t)i + 1;
		memset(c, 0, sizeof *c);
		c->fd = dial();
		for (int n = 0; n < ops; n++) {
			int k = (int)(rnd() % NKEYS), op = (int)(rnd() % 100);
			uint64_t v = rnd();
			if (op < 35) {
				op_set(c, k, v);
			} else if (op < 65) {
				op_get(c, &k, 1);
			} else if (op < 75) {
				int ks[6];
				for (int j = 0; j < 6; j++)
					ks[j] = (int)(rnd() % NKEYS);
				op_get(c, ks, 6);
			} else if (op < 83) {
				op_append(c, k, v);
			} else if (op < 90) {
				op_delete(c, k);
			} else {
				char line[64];
				send_all(c, "incr mcload:ctr 1\r\n", 19);
				read_line(c, line, sizeof line);
				if (strspn(line, "0123456789") != strlen(line) || !line[0])
					die("incr: got \"%s\"%s", line, "");
				incrs_each++;
			}
		}
		close(c->fd);
		/* our increments, for the parent's check of the shared counter (4 bytes: atomic on a pipe) */
		if (write(pfd[1], &incrs_each, sizeof incrs_each) != sizeof incrs_each)
			_exit(1);
		_exit(0);
	}
	close(pfd[1]);

	int bad = 0, total_incr = 0, got = 0, x;
	for (int i = 0; i < clients; i++) {
		int st;
		if (wait(&st) < 0) {
			perror("wait");
			return 1;
		}
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			bad++;
	}
	while (read(pfd[0], &x, sizeof x) == sizeof x) {
		total_incr += x;
		got++;
	}
	if (bad || got != clients) {
		printf("FAIL: %d of %d clients saw a wrong answer\n", bad ? bad : clients - got, clients);
		return 1;
	}
	/* the shared counter: every client's increments, none lost */
	char want[32], line[256];
	memset(c, 0, sizeof *c);
	c->fd = dial();
	send_all(c, "get mcload:ctr\r\n", 16);
	snprintf(want, sizeof want, "%d", total_incr);
	read_line(c, line, sizeof line);
	if (strncmp(line, "VALUE mcload:ctr 0 ", 19) != 0)
		die("get of the shared counter: \"%s\"%s", line, "");
	read_line(c, line, sizeof line);
	if (strcmp(line, want) != 0)
		die("shared counter is %s, want %s (increments lost)", line, want);
	expect_line(c, "END", "end of the counter's get");
	close(c->fd);
	printf("ok: %d clients x %d ops, every answer matched the model, shared counter %d\n",
	       clients, ops, total_incr);
	return 0;
}
