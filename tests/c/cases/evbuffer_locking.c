/* evbuffer_locking: with evthread_use_pthreads, evbuffer_enable_locking(buf,
 * NULL) makes a recursive lock; another thread adds numbered records while
 * the main thread drains whole records under evbuffer_lock; nothing is lost,
 * duplicated or torn. */
/* libs: libevent_pthreads */
/* timeout: 30 */
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testcase.h"

#define N 200000

static struct evbuffer *buf;

static void *producer(void *arg)
{
	char rec[16];
	int i;
	(void)arg;
	for (i = 0; i < N; i++) {
		snprintf(rec, sizeof(rec), "%09d\n", i);
		if (i % 2)
			evbuffer_add(buf, rec, 10);
		else
			evbuffer_add_printf(buf, "%09d\n", i);
	}
	return NULL;
}

int main(void)
{
	pthread_t th;
	char rec[16];
	int next = 0, bad = 0, r1, r2;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("evbuffer_locking", 30);

	printf("evthread_use_pthreads: %d\n", evthread_use_pthreads());
	buf = evbuffer_new();
	printf("enable_locking: %d\n", evbuffer_enable_locking(buf, NULL));
	printf("enable_locking twice: %d\n", evbuffer_enable_locking(buf, NULL));
	evbuffer_lock(buf);
	evbuffer_lock(buf); /* recursive */
	r1 = evbuffer_add(buf, "", 0);
	evbuffer_unlock(buf);
	evbuffer_unlock(buf);
	printf("recursive lock: %d\n", r1);

	pthread_create(&th, NULL, producer, NULL);
	while (next < N) {
		evbuffer_lock(buf);
		while (evbuffer_get_length(buf) >= 10) {
			r2 = evbuffer_remove(buf, rec, 10);
			rec[9] = 0;
			if (r2 != 10 || atoi(rec) != next)
				bad++;
			next++;
		}
		evbuffer_unlock(buf);
	}
	pthread_join(th, NULL);
	printf("records: %d bad: %d left: %zu\n", next, bad, evbuffer_get_length(buf));
	evbuffer_free(buf);
	printf("done\n");
	return 0;
}
