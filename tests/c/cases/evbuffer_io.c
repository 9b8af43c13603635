/* evbuffer_io: evbuffer_read/write/write_atmost on pipes, socket pairs and
 * files (EOF, EAGAIN, partial writes), EVBUFFER_FLAG_DRAINS_TO_FD with a
 * file segment written to a socket, set/clear_flags, enable_locking
 * without thread support, lock/unlock of an unlocked buffer, and the compat
 * macros EVBUFFER_INPUT/EVBUFFER_OUTPUT on a bufferevent. */
#include <event2/buffer.h>
#include <event2/buffer_compat.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_compat.h>
#include <event2/event.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testcase.h"

static unsigned long sum(const unsigned char *p, size_t n)
{
	unsigned long h = 5381;
	size_t i;
	for (i = 0; i < n; i++)
		h = (h * 33) ^ p[i];
	return h & 0xffffffffUL;
}

int main(void)
{
	struct evbuffer *a = evbuffer_new(), *b = evbuffer_new();
	struct event_base *base;
	struct bufferevent *bev;
	int pfd[2], sv[2], fd, r, total, lockobj = 0;
	static unsigned char big[200000], got[200000];
	char path[] = "/tmp/evbuffer_io_XXXXXX";
	size_t i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("evbuffer_io", 20);
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < sizeof(big); i++)
		big[i] = (unsigned char)(i * 7 + (i >> 9));

	/* pipe: write all, read in libevent's 4096-byte steps */
	if (pipe(pfd) < 0)
		return 1;
	fcntl(pfd[0], F_SETFL, O_NONBLOCK);
	evbuffer_add(a, big, 10000);
	r = evbuffer_write(a, pfd[1]);
	printf("write pipe: %d left=%zu\n", r, evbuffer_get_length(a));
	r = evbuffer_read(b, pfd[0], -1);
	printf("read -1: %d\n", r);
	r = evbuffer_read(b, pfd[0], 100);
	printf("read 100: %d\n", r);
	r = evbuffer_read(b, pfd[0], 100000);
	printf("read 100000: %d\n", r);
	r = evbuffer_read(b, pfd[0], 0);
	printf("read 0: %d\n", r);
	r = evbuffer_read(b, pfd[0], -1);
	printf("read rest: %d len=%zu\n", r, evbuffer_get_length(b));
	errno = 0;
	r = evbuffer_read(b, pfd[0], -1);
	printf("read empty: %d EAGAIN=%d\n", r, errno == EAGAIN);
	evbuffer_remove(b, got, sizeof(got));
	printf("data intact: %d\n", memcmp(got, big, 10000) == 0);

	/* write_atmost */
	evbuffer_add(a, "0123456789", 10);
	r = evbuffer_write_atmost(a, pfd[1], 4);
	printf("write_atmost 4: %d left=%zu\n", r, evbuffer_get_length(a));
	r = evbuffer_write_atmost(a, pfd[1], 0);
	printf("write_atmost 0: %d\n", r);
	r = evbuffer_write_atmost(a, pfd[1], 100);
	printf("write_atmost 100: %d left=%zu\n", r, evbuffer_get_length(a));
	r = evbuffer_write(a, pfd[1]);
	printf("write empty: %d\n", r);
	close(pfd[1]);
	r = evbuffer_read(b, pfd[0], -1);
	printf("read: %d\n", r);
	r = evbuffer_read(b, pfd[0], -1);
	printf("read at EOF: %d\n", r);
	close(pfd[0]);
	errno = 0;
	evbuffer_add(a, "x", 1);
	r = evbuffer_write(a, pfd[1]);
	printf("write closed fd: %d EBADF=%d\n", r, errno == EBADF);
	evbuffer_drain(a, 1);
	evbuffer_drain(b, evbuffer_get_length(b));

	/* socket pair: fill until EAGAIN, drain the peer */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return 1;
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	evbuffer_add(a, big, sizeof(big));
	total = 0;
	while ((r = evbuffer_write(a, sv[0])) > 0)
		total += r;
	printf("socket full: r=%d wrote>0: %d left+wrote=%zu\n", r, total > 0,
	    evbuffer_get_length(a) + total);
	while (evbuffer_get_length(a) > 0 || evbuffer_get_length(b) < sizeof(big)) {
		r = evbuffer_read(b, sv[1], -1);
		if (r <= 0 && evbuffer_write(a, sv[0]) < 0 && errno != EAGAIN)
			break;
		if (evbuffer_get_length(a) > 0)
			evbuffer_write(a, sv[0]);
	}
	evbuffer_remove(b, got, sizeof(got));
	printf("socket transfer: %d\n", memcmp(got, big, sizeof(big)) == 0);

	/* file segment to a socket with DRAINS_TO_FD (sendfile) */
	fd = mkstemp(path);
	unlink(path);
	if (write(fd, big, 50000) != 50000)
		return 1;
	printf("set_flags: %d\n", evbuffer_set_flags(a, EVBUFFER_FLAG_DRAINS_TO_FD));
	r = evbuffer_add_file(a, fd, 1000, 30000);
	printf("add_file: %d len=%zu\n", r, evbuffer_get_length(a));
	evbuffer_add(a, "trailer", 7);
	total = 0;
	while (evbuffer_get_length(a) > 0) {
		r = evbuffer_write(a, sv[0]);
		if (r > 0)
			total += r;
		while (evbuffer_read(b, sv[1], -1) > 0)
			;
	}
	while (evbuffer_read(b, sv[1], -1) > 0)
		;
	printf("sent %d, received %zu\n", total, evbuffer_get_length(b));
	evbuffer_remove(b, got, sizeof(got));
	printf("file bytes: %d trailer: %d\n", memcmp(got, big + 1000, 30000) == 0, memcmp(got + 30000, "trailer", 7) == 0);
	printf("file closed after sending: %d\n", fcntl(fd, F_GETFD) == -1);
	printf("clear_flags: %d\n", evbuffer_clear_flags(a, EVBUFFER_FLAG_DRAINS_TO_FD));

	/* a file as destination and source */
	{
		char p2[] = "/tmp/evbuffer_io_XXXXXX";
		int f = mkstemp(p2);
		unlink(p2);
		evbuffer_add(a, "to a file\n", 10);
		r = evbuffer_write(a, f);
		printf("write file: %d\n", r);
		lseek(f, 0, SEEK_SET);
		r = evbuffer_read(b, f, -1);
		printf("read file: %d\n", r);
		r = evbuffer_read(b, f, -1);
		printf("read file EOF: %d\n", r);
		evbuffer_drain(b, 10);
		close(f);
	}

	/* locking without thread support: no lock, lock/unlock do nothing */
	printf("enable_locking NULL (no threads): %d\n", evbuffer_enable_locking(a, NULL));
	(void)lockobj; /* a caller's lock without lock callbacks crashes libevent */
	evbuffer_lock(a);
	evbuffer_lock(a);
	evbuffer_add(a, "locked", 6);
	evbuffer_unlock(a);
	evbuffer_unlock(a);
	printf("len after locked add: %zu\n", evbuffer_get_length(a));

	/* compat macros on a bufferevent */
	base = event_base_new();
	bev = bufferevent_socket_new(base, sv[0], 0);
	printf("EVBUFFER_INPUT: %d EVBUFFER_OUTPUT: %d\n", EVBUFFER_INPUT(bev) == bufferevent_get_input(bev),
	    EVBUFFER_OUTPUT(bev) == bufferevent_get_output(bev));
	evbuffer_add(EVBUFFER_OUTPUT(bev), "via macro", 9);
	printf("EVBUFFER_LENGTH(output): %zu\n", (size_t)EVBUFFER_LENGTH(EVBUFFER_OUTPUT(bev)));
	bufferevent_free(bev);
	event_base_free(base);
	printf("sum check: %lu\n", sum(big, 100));

	evbuffer_free(a);
	evbuffer_free(b);
	close(sv[0]);
	close(sv[1]);
	printf("done\n");
	return 0;
}
