/* evutil_rng: evutil_secure_rng_init, evutil_secure_rng_get_bytes,
 * evutil_secure_rng_add_bytes, evutil_secure_rng_set_urandom_device_file:
 * return values and properties of the bytes (never the bytes). */
#include <event2/event.h>
#include <event2/util.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testcase.h"

static int nlog;
static void logcb(int severity, const char *msg)
{
	(void)msg;
	nlog++;
	printf("  [log severity %d]\n", severity);
}

static int popcount(const unsigned char *p, size_t n)
{
	int c = 0;
	size_t i;
	for (i = 0; i < n; i++)
		c += __builtin_popcount(p[i]);
	return c;
}

int main(void)
{
	static unsigned char a[4096], b[4096];
	unsigned char small[8], guard[40];
	int r, bits, i, distinct;
	pid_t pid;
	int p[2];

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("evutil_rng", 15);
	event_set_log_callback(logcb);

	r = evutil_secure_rng_set_urandom_device_file("/nonexistent/urandom-for-evutil-test");
	printf("set_urandom_device_file(nonexistent) before init: %d\n", r);
	r = evutil_secure_rng_init();
	printf("init: %d\n", r);
	r = evutil_secure_rng_init();
	printf("init again: %d\n", r);
	r = evutil_secure_rng_set_urandom_device_file("/dev/urandom");
	printf("set_urandom_device_file(/dev/urandom) after init: %d\n", r);
	r = evutil_secure_rng_init();
	printf("init after that: %d\n", r);

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	evutil_secure_rng_get_bytes(a, sizeof(a));
	evutil_secure_rng_get_bytes(b, sizeof(b));
	bits = popcount(a, sizeof(a));
	printf("4096 bytes: differ between calls: %s bit balance ok: %s\n",
	    tc_yesno(memcmp(a, b, sizeof(a))), tc_yesno(bits > 16384 - 1200 && bits < 16384 + 1200));
	{
		int seen[256] = { 0 };
		for (i = 0; i < (int)sizeof(a); i++)
			seen[a[i]] = 1;
		for (distinct = 0, i = 0; i < 256; i++)
			distinct += seen[i];
		printf("distinct byte values >= 240: %s\n", tc_yesno(distinct >= 240));
	}

	/* exact length: the bytes around the target stay untouched */
	memset(guard, 0x5a, sizeof(guard));
	evutil_secure_rng_get_bytes(guard + 8, 3);
	for (r = 1, i = 0; i < 8; i++)
		if (guard[i] != 0x5a || guard[11 + i] != 0x5a)
			r = 0;
	printf("3 bytes: neighbours untouched: %s\n", tc_yesno(r));
	memset(guard, 0x5a, sizeof(guard));
	evutil_secure_rng_get_bytes(guard + 1, 0);
	printf("0 bytes: nothing written: %s\n", tc_yesno(guard[0] == 0x5a && guard[1] == 0x5a && guard[2] == 0x5a));
	memset(guard, 0, sizeof(guard));
	evutil_secure_rng_get_bytes(guard + 3, 29); /* unaligned */
	printf("29 unaligned bytes: not all zero: %s tail untouched: %s\n",
	    tc_yesno(popcount(guard + 3, 29) > 0), tc_yesno(guard[32] == 0 && guard[2] == 0));

	evutil_secure_rng_add_bytes("some extra entropy", 18);
	evutil_secure_rng_add_bytes("", 0);
	evutil_secure_rng_add_bytes((const char *)a, sizeof(a));
	memset(small, 0, sizeof(small));
	evutil_secure_rng_get_bytes(small, sizeof(small));
	printf("after add_bytes: get_bytes still works: %s\n", tc_yesno(popcount(small, sizeof(small)) > 0));

	/* a child gets different bytes from its parent */
	if (pipe(p) != 0)
		return 1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		unsigned char c[32];
		evutil_secure_rng_get_bytes(c, sizeof(c));
		if (write(p[1], c, sizeof(c)) != (ssize_t)sizeof(c))
			_exit(1);
		_exit(0);
	} else {
		unsigned char c[32], d[32];
		ssize_t n;
		int st;
		evutil_secure_rng_get_bytes(d, sizeof(d));
		n = read(p[0], c, sizeof(c));
		waitpid(pid, &st, 0);
		printf("forked child: read %d bytes, differ from parent's: %s\n", (int)n,
		    tc_yesno(n == 32 && memcmp(c, d, 32)));
	}
	printf("log calls: %d\n", nlog);
	printf("done\n");
	return 0;
}
