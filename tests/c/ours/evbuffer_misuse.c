/*
 * evbuffer_misuse.c - goevent only: misuse of the evbuffer API (NULL or
 * freed buffers, commit without reserve, a pointer or callback entry from
 * another buffer, sizes near SIZE_MAX/EV_SSIZE_MAX) gets libevent's failure
 * value and a logged warning, never a crash or a wrapped size. libevent
 * crashes or corrupts memory on most of these, so the program checks its
 * expectations itself.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/buffer_compat.h>
#include <event2/event.h>

static int nlogs, last_severity = -1;
static int failures;

static void on_log(int severity, const char *msg)
{
	nlogs++;
	last_severity = severity;
	(void)msg;
}

#define EXPECT(what, got, want)                                                      \
	do {                                                                         \
		int before_ = nlogs;                                                 \
		long got_ = (long)(got);                                             \
		int logged_ = nlogs - before_;                                       \
		if (got_ != (long)(want) || logged_ < 1 || last_severity != EVENT_LOG_WARN) { \
			printf("FAIL %s: got %ld want %ld, %d warnings logged\n",    \
			    what, got_, (long)(want), logged_);                      \
			failures++;                                                  \
		} else {                                                             \
			printf("ok   %s\n", what);                                   \
		}                                                                    \
	} while (0)

/* Value only (refusals libevent does not log either). */
#define CHECK(what, got, want)                                                       \
	do {                                                                         \
		long got_ = (long)(got);                                             \
		if (got_ != (long)(want)) {                                          \
			printf("FAIL %s: got %ld want %ld\n", what, got_, (long)(want)); \
			failures++;                                                  \
		} else {                                                             \
			printf("ok   %s\n", what);                                   \
		}                                                                    \
	} while (0)

#define EXPECT_LOGGED(what, stmt)                                                    \
	do {                                                                         \
		int before_ = nlogs;                                                 \
		stmt;                                                                \
		if (nlogs - before_ < 1) {                                           \
			printf("FAIL %s: nothing logged\n", what);                   \
			failures++;                                                  \
		} else {                                                             \
			printf("ok   %s\n", what);                                   \
		}                                                                    \
	} while (0)

static void cb(struct evbuffer *b, const struct evbuffer_cb_info *i, void *arg)
{
	(void)b; (void)i; (void)arg;
}

int main(void)
{
	struct evbuffer *a, *b, *dead;
	struct evbuffer_iovec v[2];
	struct evbuffer_ptr p, r;
	struct evbuffer_cb_entry *ent;
	char out[16];
	size_t n;

	signal(SIGALRM, SIG_DFL);
	alarm(10);
	event_set_log_callback(on_log);

	EXPECT("prepend(NULL)", evbuffer_prepend(NULL, "x", 1), -1);
	EXPECT("prepend_buffer(NULL)", evbuffer_prepend_buffer(NULL, NULL), -1);
	EXPECT("remove_buffer(NULL)", evbuffer_remove_buffer(NULL, NULL, 1), -1);
	EXPECT("add_reference(NULL)", evbuffer_add_reference(NULL, "x", 1, NULL, NULL), -1);
	EXPECT("add_buffer_reference(NULL)", evbuffer_add_buffer_reference(NULL, NULL), -1);
	EXPECT("expand(NULL)", evbuffer_expand(NULL, 1), -1);
	EXPECT("reserve_space(NULL)", evbuffer_reserve_space(NULL, 1, v, 1), -1);
	EXPECT("commit_space(NULL)", evbuffer_commit_space(NULL, v, 1), -1);
	EXPECT("add_printf(NULL)", evbuffer_add_printf(NULL, "%d", 1), -1);
	EXPECT("add_iovec(NULL)", evbuffer_add_iovec(NULL, v, 1), 0);
	EXPECT("readln(NULL)", evbuffer_readln(NULL, &n, EVBUFFER_EOL_ANY) != NULL, 0);
	EXPECT("readline(NULL)", evbuffer_readline(NULL) != NULL, 0);
	EXPECT("search(NULL)", evbuffer_search(NULL, "x", 1, NULL).pos, -1);
	EXPECT("search_eol(NULL)", evbuffer_search_eol(NULL, NULL, &n, EVBUFFER_EOL_ANY).pos, -1);
	EXPECT("ptr_set(NULL)", evbuffer_ptr_set(NULL, &p, 0, EVBUFFER_PTR_SET), -1);
	EXPECT("peek(NULL)", evbuffer_peek(NULL, -1, NULL, v, 2), -1);
	EXPECT("find(NULL)", evbuffer_find(NULL, (const unsigned char *)"x", 1) != NULL, 0);
	EXPECT("add_cb(NULL)", evbuffer_add_cb(NULL, cb, NULL) != NULL, 0);
	EXPECT("remove_cb(NULL)", evbuffer_remove_cb(NULL, cb, NULL), -1);
	EXPECT("freeze(NULL)", evbuffer_freeze(NULL, 0), -1);
	EXPECT("set_flags(NULL)", evbuffer_set_flags(NULL, 1), -1);
	EXPECT("read(NULL)", evbuffer_read(NULL, 0, 1), -1);
	EXPECT("write(NULL)", evbuffer_write(NULL, 1), -1);
	EXPECT("add_file(NULL)", evbuffer_add_file(NULL, 0, 0, 1), -1);
	EXPECT("copyout_from(NULL)", evbuffer_copyout_from(NULL, NULL, out, 1), -1);
	EXPECT("get_contiguous_space(NULL)", evbuffer_get_contiguous_space(NULL), 0);
	EXPECT("enable_locking(NULL)", evbuffer_enable_locking(NULL, NULL), -1);
	EXPECT("setcb(NULL)", evbuffer_setcb(NULL, NULL, NULL), -1);
	EXPECT("defer_callbacks(NULL base)", evbuffer_defer_callbacks(evbuffer_new(), NULL), -1);
	EXPECT_LOGGED("file_segment_free(NULL)", evbuffer_file_segment_free(NULL));
	EXPECT_LOGGED("evbuffer_lock(NULL)", evbuffer_lock(NULL));

	dead = evbuffer_new();
	evbuffer_free(dead);
	EXPECT("prepend(freed)", evbuffer_prepend(dead, "x", 1), -1);
	EXPECT("search(freed)", evbuffer_search(dead, "x", 1, NULL).pos, -1);
	EXPECT("reserve(freed)", evbuffer_reserve_space(dead, 1, v, 1), -1);

	a = evbuffer_new();
	b = evbuffer_new();
	evbuffer_add(a, "hello world", 11);
	evbuffer_add(b, "other buffer", 12);

	v[0].iov_base = out;
	v[0].iov_len = 1;
	EXPECT("commit without reserve", evbuffer_commit_space(a, v, 1), -1);
	CHECK("reserve", evbuffer_reserve_space(a, 8, v, 1), 1);
	EXPECT("commit of a foreign vector", ({ struct evbuffer_iovec w = { out, 1 }; evbuffer_commit_space(a, &w, 1); }), -1);
	evbuffer_drain(a, 0);
	v[0].iov_len = 1;
	CHECK("commit of the reserved vector", evbuffer_commit_space(a, v, 1), 0);
	EXPECT("second commit of the same vector", evbuffer_commit_space(a, v, 1), -1);
	CHECK("length", evbuffer_get_length(a), 12);

	evbuffer_ptr_set(b, &p, 3, EVBUFFER_PTR_SET);
	EXPECT("search from another buffer's pointer", (r = evbuffer_search(a, "o", 1, &p)).pos, -1);
	EXPECT("ptr_set ADD on another buffer's pointer", evbuffer_ptr_set(a, &p, 1, EVBUFFER_PTR_ADD), -1);
	evbuffer_ptr_set(b, &p, 3, EVBUFFER_PTR_SET);
	EXPECT("copyout_from another buffer's pointer", evbuffer_copyout_from(a, &p, out, 2), -1);
	EXPECT("peek from another buffer's pointer", evbuffer_peek(a, -1, &p, v, 2), -1);

	ent = evbuffer_add_cb(b, cb, NULL);
	EXPECT("remove_cb_entry of another buffer's entry", evbuffer_remove_cb_entry(a, ent), -1);
	EXPECT("cb_set_flags of another buffer's entry", evbuffer_cb_set_flags(a, ent, 1), -1);
	CHECK("remove_cb_entry", evbuffer_remove_cb_entry(b, ent), 0);
	EXPECT("remove_cb_entry twice", evbuffer_remove_cb_entry(b, ent), -1);

	/* Sizes: refused, never wrapped (CVE-2014-6272). */
	CHECK("add SIZE_MAX", evbuffer_add(a, out, SIZE_MAX), -1);
	CHECK("add EV_SSIZE_MAX", evbuffer_add(a, out, (size_t)EV_SSIZE_MAX), -1);
	CHECK("prepend SIZE_MAX", evbuffer_prepend(a, out, SIZE_MAX), -1);
	CHECK("expand SIZE_MAX", evbuffer_expand(a, SIZE_MAX), -1);
	CHECK("expand EV_SSIZE_MAX", evbuffer_expand(a, (size_t)EV_SSIZE_MAX), -1);
	CHECK("reserve EV_SSIZE_MAX", evbuffer_reserve_space(a, EV_SSIZE_MAX, v, 1), -1);
	CHECK("reserve -1", evbuffer_reserve_space(a, -1, v, 2), -1);
	CHECK("add_reference SIZE_MAX", evbuffer_add_reference(a, out, SIZE_MAX, NULL, NULL), -1);
	{
		struct evbuffer_iovec big[2] = { { out, SIZE_MAX / 2 + 1 }, { out, SIZE_MAX / 2 + 1 } };
		EXPECT("add_iovec overflowing total", evbuffer_add_iovec(a, big, 2), 0);
	}
	evbuffer_ptr_set(a, &p, 2, EVBUFFER_PTR_SET);
	CHECK("ptr_set ADD SIZE_MAX", evbuffer_ptr_set(a, &p, SIZE_MAX, EVBUFFER_PTR_ADD), -1);
	evbuffer_ptr_set(a, &p, 2, EVBUFFER_PTR_SET);
	CHECK("copyout_from EV_SSIZE_MAX", evbuffer_copyout_from(a, &p, out, SIZE_MAX), -1);
	CHECK("length unchanged", evbuffer_get_length(a), 12);
	CHECK("file segment past EOF", evbuffer_file_segment_new(0, 0, -2, 0) != NULL, 0);

	evbuffer_free(a);
	evbuffer_free(b);
	printf("%s\n", failures ? "FAILED" : "all ok");
	return failures ? 1 : 0;
}
