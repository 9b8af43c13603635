/* libs: libevent libevent_pthreads */
/*
 * evbuffer_pool.c - goevent only: evbuffer_free keeps a buffer that
 * evbuffer_new made for the next evbuffer_new (the C layer's pool, see
 * docs/ARCHITECTURE.md "Evbuffers: what crosses"). A pooled buffer is a
 * freed one to every check; the one evbuffer_new hands out again is empty,
 * unlocked and without callbacks; a buffer with callbacks is not pooled; the
 * pool holds a bounded number; a child forked after the core ran does not
 * get its parent's pooled buffers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/thread.h>

#include "testcase.h"

static int cb_calls;

static void count_cb(struct evbuffer *b, const struct evbuffer_cb_info *i, void *arg)
{
	(void)b; (void)i; (void)arg;
	cb_calls++;
}

/* add, then remove: what was added comes back. */
static int roundtrip(struct evbuffer *b, const char *s)
{
	char out[64];
	size_t n = strlen(s);
	if (evbuffer_add(b, s, n) != 0 || evbuffer_get_length(b) != n)
		return 0;
	return evbuffer_remove(b, out, sizeof out) == (int)n && memcmp(out, s, n) == 0 &&
	    evbuffer_get_length(b) == 0;
}

int main(void)
{
	enum { MANY = 300 };
	static struct evbuffer *many[MANY];

	tc_alarm("evbuffer_pool", 20);
	tc_log_capture();
	evthread_use_pthreads();

	struct evbuffer *a = evbuffer_new();
	TC_CHECK("new", a != NULL && roundtrip(a, "first use"));
	evbuffer_add(a, "left over", 9);
	evbuffer_free(a);
	struct evbuffer *b = evbuffer_new();
	TC_CHECK("a freed buffer comes back from evbuffer_new", b == a);
	TC_CHECK("empty when it comes back", evbuffer_get_length(b) == 0);
	TC_CHECK("usable when it comes back", roundtrip(b, "second use") && roundtrip(b, "third"));

	evbuffer_free(b);
	TC_EXPECT_WARN("add to a pooled buffer", evbuffer_add(b, "x", 1), -1);
	TC_EXPECT_WARN("drain of a pooled buffer", evbuffer_drain(b, 1), -1);
	TC_EXPECT_LOGGED("double free of a pooled buffer", evbuffer_free(b));
	struct evbuffer *c = evbuffer_new();
	TC_CHECK("the pool survives a double free", c == b && roundtrip(c, "after double free"));
	struct evbuffer *c2 = evbuffer_new();
	TC_CHECK("a double free did not pool it twice", c2 != c && roundtrip(c2, "other"));
	evbuffer_free(c2);

	/* Locking: the lock goes with the free, the buffer comes back unlocked. */
	TC_CHECK("enable_locking", evbuffer_enable_locking(c, NULL) == 0);
	evbuffer_lock(c);
	evbuffer_unlock(c);
	evbuffer_free(c);
	struct evbuffer *d = evbuffer_new();
	TC_CHECK("a locked buffer comes back", d == c && roundtrip(d, "unlocked now"));
	TC_CHECK("and can be locked again", evbuffer_enable_locking(d, NULL) == 0 && roundtrip(d, "locked again"));
	evbuffer_free(d);

	/* A buffer with a callback is freed, not pooled: no later buffer runs it. */
	struct evbuffer *e = evbuffer_new();
	TC_CHECK("add_cb", evbuffer_add_cb(e, count_cb, NULL) != NULL);
	evbuffer_add(e, "y", 1);
	int seen = cb_calls;
	evbuffer_free(e);
	for (int i = 0; i < 8; i++) {
		struct evbuffer *f = evbuffer_new();
		evbuffer_add(f, "z", 1);
		many[i] = f;
	}
	for (int i = 0; i < 8; i++)
		evbuffer_free(many[i]);
	TC_CHECK("a freed buffer's callback never runs again", seen == 1 && cb_calls == seen);

	/* More buffers than the pool holds. */
	int ok = 1;
	for (int i = 0; i < MANY; i++) {
		many[i] = evbuffer_new();
		ok &= many[i] != NULL && roundtrip(many[i], "many");
		evbuffer_add(many[i], &i, sizeof i);
	}
	for (int i = 0; i < MANY; i++)
		for (int j = 0; j < i && ok; j++)
			ok &= many[i] != many[j];
	TC_CHECK("300 live buffers, all distinct", ok);
	for (int i = 0; i < MANY; i++)
		evbuffer_free(many[i]);
	ok = 1;
	for (int i = 0; i < MANY; i++) {
		many[i] = evbuffer_new();
		ok &= many[i] != NULL && evbuffer_get_length(many[i]) == 0 && roundtrip(many[i], "again");
	}
	for (int i = 0; i < MANY; i++)
		for (int j = 0; j < i && ok; j++)
			ok &= many[i] != many[j];
	TC_CHECK("300 again after freeing them", ok);
	for (int i = 0; i < MANY; i++)
		evbuffer_free(many[i]);

	/* A child forked now has a fresh core: the parent's pooled buffers are
	 * not its own. */
	struct evbuffer *live = evbuffer_new();
	evbuffer_add(live, "parent's", 8);
	struct evbuffer *pooled = evbuffer_new();
	evbuffer_free(pooled);
	int p[2];
	if (pipe(p) != 0)
		return 1;
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		tc_report_to(p[1]);
		tc_log_reset();
		evbuffer_free(live); /* the parent's: refused, not pooled here */
		tc_report("%s child: freeing a buffer of the parent's core is refused",
		    tc_log_.by_severity[EVENT_LOG_WARN] >= 1 ? "ok  " : "FAIL");
		struct evbuffer *g = evbuffer_new();
		tc_report("%s child: a buffer of its own", g != NULL && g != pooled && g != live && roundtrip(g, "child") ? "ok  " : "FAIL");
		evbuffer_free(g);
		struct evbuffer *h = evbuffer_new();
		tc_report("%s child: its pool works", h == g && roundtrip(h, "child again") ? "ok  " : "FAIL");
		_exit(0);
	}
	close(p[1]);
	char line[256];
	FILE *in = fdopen(p[0], "r");
	int lines = 0;
	while (in && fgets(line, sizeof line, in)) {
		fputs(line, stdout);
		if (strncmp(line, "FAIL", 4) == 0)
			tc_failures++;
		lines++;
	}
	int status = 0;
	waitpid(pid, &status, 0);
	TC_CHECK("child reported and exited 0", lines == 3 && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	struct evbuffer *q = evbuffer_new();
	TC_CHECK("the parent's pool is unchanged", q == pooled && roundtrip(q, "parent"));
	evbuffer_free(q);
	TC_CHECK("the parent's live buffer is still its own", evbuffer_get_length(live) == 8);
	evbuffer_free(live);
	return tc_exit_status();
}
