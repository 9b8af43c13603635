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

#include "testcase.h"

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

	tc_alarm("evbuffer_misuse", 10);
	tc_log_capture();

	TC_EXPECT_WARN("prepend(NULL)", evbuffer_prepend(NULL, "x", 1), -1);
	TC_EXPECT_WARN("prepend_buffer(NULL)", evbuffer_prepend_buffer(NULL, NULL), -1);
	TC_EXPECT_WARN("remove_buffer(NULL)", evbuffer_remove_buffer(NULL, NULL, 1), -1);
	TC_EXPECT_WARN("add_reference(NULL)", evbuffer_add_reference(NULL, "x", 1, NULL, NULL), -1);
	TC_EXPECT_WARN("add_buffer_reference(NULL)", evbuffer_add_buffer_reference(NULL, NULL), -1);
	TC_EXPECT_WARN("expand(NULL)", evbuffer_expand(NULL, 1), -1);
	TC_EXPECT_WARN("reserve_space(NULL)", evbuffer_reserve_space(NULL, 1, v, 1), -1);
	TC_EXPECT_WARN("commit_space(NULL)", evbuffer_commit_space(NULL, v, 1), -1);
	TC_EXPECT_WARN("add_printf(NULL)", evbuffer_add_printf(NULL, "%d", 1), -1);
	TC_EXPECT_WARN("add_iovec(NULL)", evbuffer_add_iovec(NULL, v, 1), 0);
	TC_EXPECT_WARN("readln(NULL)", evbuffer_readln(NULL, &n, EVBUFFER_EOL_ANY) != NULL, 0);
	TC_EXPECT_WARN("readline(NULL)", evbuffer_readline(NULL) != NULL, 0);
	TC_EXPECT_WARN("search(NULL)", evbuffer_search(NULL, "x", 1, NULL).pos, -1);
	TC_EXPECT_WARN("search_eol(NULL)", evbuffer_search_eol(NULL, NULL, &n, EVBUFFER_EOL_ANY).pos, -1);
	TC_EXPECT_WARN("ptr_set(NULL)", evbuffer_ptr_set(NULL, &p, 0, EVBUFFER_PTR_SET), -1);
	TC_EXPECT_WARN("peek(NULL)", evbuffer_peek(NULL, -1, NULL, v, 2), -1);
	TC_EXPECT_WARN("find(NULL)", evbuffer_find(NULL, (const unsigned char *)"x", 1) != NULL, 0);
	TC_EXPECT_WARN("add_cb(NULL)", evbuffer_add_cb(NULL, cb, NULL) != NULL, 0);
	TC_EXPECT_WARN("remove_cb(NULL)", evbuffer_remove_cb(NULL, cb, NULL), -1);
	TC_EXPECT_WARN("freeze(NULL)", evbuffer_freeze(NULL, 0), -1);
	TC_EXPECT_WARN("set_flags(NULL)", evbuffer_set_flags(NULL, 1), -1);
	TC_EXPECT_WARN("read(NULL)", evbuffer_read(NULL, 0, 1), -1);
	TC_EXPECT_WARN("write(NULL)", evbuffer_write(NULL, 1), -1);
	TC_EXPECT_WARN("add_file(NULL)", evbuffer_add_file(NULL, 0, 0, 1), -1);
	TC_EXPECT_WARN("copyout_from(NULL)", evbuffer_copyout_from(NULL, NULL, out, 1), -1);
	TC_EXPECT_WARN("get_contiguous_space(NULL)", evbuffer_get_contiguous_space(NULL), 0);
	TC_EXPECT_WARN("enable_locking(NULL)", evbuffer_enable_locking(NULL, NULL), -1);
	TC_EXPECT_WARN("setcb(NULL)", evbuffer_setcb(NULL, NULL, NULL), -1);
	TC_EXPECT_WARN("defer_callbacks(NULL base)", evbuffer_defer_callbacks(evbuffer_new(), NULL), -1);
	TC_EXPECT_LOGGED("file_segment_free(NULL)", evbuffer_file_segment_free(NULL));
	TC_EXPECT_LOGGED("evbuffer_lock(NULL)", evbuffer_lock(NULL));

	dead = evbuffer_new();
	evbuffer_free(dead);
	TC_EXPECT_WARN("prepend(freed)", evbuffer_prepend(dead, "x", 1), -1);
	TC_EXPECT_WARN("search(freed)", evbuffer_search(dead, "x", 1, NULL).pos, -1);
	TC_EXPECT_WARN("reserve(freed)", evbuffer_reserve_space(dead, 1, v, 1), -1);

	a = evbuffer_new();
	b = evbuffer_new();
	evbuffer_add(a, "hello world", 11);
	evbuffer_add(b, "other buffer", 12);

	v[0].iov_base = out;
	v[0].iov_len = 1;
	TC_EXPECT_WARN("commit without reserve", evbuffer_commit_space(a, v, 1), -1);
	TC_CHECK("reserve", evbuffer_reserve_space(a, 8, v, 1) == 1);
	TC_EXPECT_WARN("commit of a foreign vector", ({ struct evbuffer_iovec w = { out, 1 }; evbuffer_commit_space(a, &w, 1); }), -1);
	evbuffer_drain(a, 0);
	v[0].iov_len = 1;
	TC_CHECK("commit of the reserved vector", evbuffer_commit_space(a, v, 1) == 0);
	TC_EXPECT_WARN("second commit of the same vector", evbuffer_commit_space(a, v, 1), -1);
	TC_CHECK("length", evbuffer_get_length(a) == 12);

	/* Changes the C layer makes on the published windows end a
	 * reservation as those made in the core do (docs/DIFFERENCES.md). */
	evbuffer_add(a, "line\n", 5);
	TC_CHECK("reserve", evbuffer_reserve_space(a, 8, v, 1) == 1);
	evbuffer_copyout(a, out, 2);
	evbuffer_drain(a, 0);
	v[0].iov_len = 1;
	TC_CHECK("commit after a copyout and a drain of 0", evbuffer_commit_space(a, v, 1) == 0);
	TC_CHECK("reserve", evbuffer_reserve_space(a, 8, v, 1) == 1);
	evbuffer_add(a, "!", 1);
	v[0].iov_len = 1;
	TC_EXPECT_WARN("commit after an add", evbuffer_commit_space(a, v, 1), -1);
	TC_CHECK("reserve", evbuffer_reserve_space(a, 8, v, 1) == 1);
	evbuffer_drain(a, 1);
	v[0].iov_len = 1;
	TC_EXPECT_WARN("commit after a drain", evbuffer_commit_space(a, v, 1), -1);
	TC_CHECK("reserve", evbuffer_reserve_space(a, 8, v, 1) == 1);
	evbuffer_remove(a, out, 1);
	v[0].iov_len = 1;
	TC_EXPECT_WARN("commit after a remove", evbuffer_commit_space(a, v, 1), -1);
	TC_CHECK("reserve", evbuffer_reserve_space(a, 8, v, 1) == 1);
	evbuffer_add_printf(a, "%d", 7);
	v[0].iov_len = 1;
	TC_EXPECT_WARN("commit after add_printf", evbuffer_commit_space(a, v, 1), -1);
	TC_CHECK("reserve", evbuffer_reserve_space(a, 8, v, 1) == 1);
	free(evbuffer_readln(a, &n, EVBUFFER_EOL_LF));
	v[0].iov_len = 1;
	TC_EXPECT_WARN("commit after readln", evbuffer_commit_space(a, v, 1), -1);
	TC_CHECK("reserve", evbuffer_reserve_space(a, 8, v, 1) == 1);
	{
		struct evbuffer *c = evbuffer_new();
		evbuffer_add(c, "c", 1);
		evbuffer_add_buffer(a, c);
		v[0].iov_len = 1;
		TC_EXPECT_WARN("commit after add_buffer into it", evbuffer_commit_space(a, v, 1), -1);
		evbuffer_add(c, "c", 1);
		TC_CHECK("reserve in the source", evbuffer_reserve_space(c, 8, v, 1) == 1);
		evbuffer_add_buffer(a, c);
		v[0].iov_len = 1;
		TC_EXPECT_WARN("commit after add_buffer out of it", evbuffer_commit_space(c, v, 1), -1);
		evbuffer_free(c);
	}
	/* left: the committed byte, "!", "7", "c", "c" */
	TC_CHECK("length after the refused commits", evbuffer_get_length(a) == 5);
	evbuffer_drain(a, evbuffer_get_length(a));
	evbuffer_add(a, "hello world", 11);
	evbuffer_add(a, "!", 1);

	evbuffer_ptr_set(b, &p, 3, EVBUFFER_PTR_SET);
	TC_EXPECT_WARN("search from another buffer's pointer", (r = evbuffer_search(a, "o", 1, &p)).pos, -1);
	TC_EXPECT_WARN("ptr_set ADD on another buffer's pointer", evbuffer_ptr_set(a, &p, 1, EVBUFFER_PTR_ADD), -1);
	evbuffer_ptr_set(b, &p, 3, EVBUFFER_PTR_SET);
	TC_EXPECT_WARN("copyout_from another buffer's pointer", evbuffer_copyout_from(a, &p, out, 2), -1);
	TC_EXPECT_WARN("peek from another buffer's pointer", evbuffer_peek(a, -1, &p, v, 2), -1);

	ent = evbuffer_add_cb(b, cb, NULL);
	TC_EXPECT_WARN("remove_cb_entry of another buffer's entry", evbuffer_remove_cb_entry(a, ent), -1);
	TC_EXPECT_WARN("cb_set_flags of another buffer's entry", evbuffer_cb_set_flags(a, ent, 1), -1);
	TC_CHECK("remove_cb_entry", evbuffer_remove_cb_entry(b, ent) == 0);
	TC_EXPECT_WARN("remove_cb_entry twice", evbuffer_remove_cb_entry(b, ent), -1);

	/* Sizes: refused, never wrapped (CVE-2014-6272). */
	TC_CHECK("add SIZE_MAX", evbuffer_add(a, out, SIZE_MAX) == -1);
	TC_CHECK("add EV_SSIZE_MAX", evbuffer_add(a, out, (size_t)EV_SSIZE_MAX) == -1);
	TC_CHECK("prepend SIZE_MAX", evbuffer_prepend(a, out, SIZE_MAX) == -1);
	TC_CHECK("expand SIZE_MAX", evbuffer_expand(a, SIZE_MAX) == -1);
	TC_CHECK("expand EV_SSIZE_MAX", evbuffer_expand(a, (size_t)EV_SSIZE_MAX) == -1);
	TC_CHECK("reserve EV_SSIZE_MAX", evbuffer_reserve_space(a, EV_SSIZE_MAX, v, 1) == -1);
	TC_CHECK("reserve -1", evbuffer_reserve_space(a, -1, v, 2) == -1);
	TC_CHECK("add_reference SIZE_MAX", evbuffer_add_reference(a, out, SIZE_MAX, NULL, NULL) == -1);
	{
		struct evbuffer_iovec big[2] = { { out, SIZE_MAX / 2 + 1 }, { out, SIZE_MAX / 2 + 1 } };
		TC_EXPECT_WARN("add_iovec overflowing total", evbuffer_add_iovec(a, big, 2), 0);
	}
	evbuffer_ptr_set(a, &p, 2, EVBUFFER_PTR_SET);
	TC_CHECK("ptr_set ADD SIZE_MAX", evbuffer_ptr_set(a, &p, SIZE_MAX, EVBUFFER_PTR_ADD) == -1);
	evbuffer_ptr_set(a, &p, 2, EVBUFFER_PTR_SET);
	TC_CHECK("copyout_from EV_SSIZE_MAX", evbuffer_copyout_from(a, &p, out, SIZE_MAX) == -1);
	TC_CHECK("length unchanged", evbuffer_get_length(a) == 12);
	TC_CHECK("file segment past EOF", evbuffer_file_segment_new(0, 0, -2, 0) == NULL);

	evbuffer_free(a);
	evbuffer_free(b);
	printf("%s\n", tc_failures ? "FAILED" : "all ok");
	return tc_exit_status();
}
