/* evbuffer_edges: corner cases of the pointer, search, peek, reserve and
 * move functions (zero lengths, frozen ends with nothing to move, pointers
 * that were not found, ranges ending before their start), file segments
 * refused by add_buffer_reference, and deferred callbacks of a buffer freed
 * before the loop ran them. */
#include <event2/buffer.h>
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testcase.h"

static int ncb;
static void cb(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	(void)buf; (void)info; (void)arg;
	ncb++;
}

int main(void)
{
	struct evbuffer *a = evbuffer_new(), *b = evbuffer_new();
	struct evbuffer_ptr p, q, e;
	struct evbuffer_iovec v[2], w[2];
	struct evbuffer_file_segment *seg;
	struct event_base *base;
	char path[] = "/tmp/evbuffer_edges_XXXXXX";
	int fd, n, r;
	size_t len;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("evbuffer_edges", 10);

	evbuffer_add(a, "abcabcabc", 9);
	/* not-found pointers */
	p = evbuffer_search(a, "zz", 2, NULL);
	printf("not found: pos=%d chain_null=%d\n", (int)p.pos, p.internal_.chain == NULL);
	printf("ptr_set ADD on not-found: %d\n", evbuffer_ptr_set(a, &p, 1, EVBUFFER_PTR_ADD));
	q = evbuffer_search(a, "c", 1, &p);
	printf("search from not-found: %d\n", (int)q.pos);
	q = evbuffer_search(a, "", 0, &p);
	printf("empty needle from not-found: %d\n", (int)q.pos);
	printf("peek from not-found: %d\n", evbuffer_peek(a, -1, &p, v, 2));
	len = 7;
	q = evbuffer_search_eol(a, &p, &len, EVBUFFER_EOL_LF);
	printf("search_eol from not-found: %d len=%zu\n", (int)q.pos, len);

	/* ranges */
	evbuffer_ptr_set(a, &p, 4, EVBUFFER_PTR_SET);
	evbuffer_ptr_set(a, &e, 2, EVBUFFER_PTR_SET);
	q = evbuffer_search_range(a, "abc", 3, &p, &e);
	printf("range ending before start: %d\n", (int)q.pos);
	evbuffer_ptr_set(a, &e, 9, EVBUFFER_PTR_SET);
	q = evbuffer_search_range(a, "abc", 3, &p, &e);
	printf("range to the end: %d\n", (int)q.pos);
	q = evbuffer_search_range(a, "abc", 3, NULL, &e);
	printf("range from NULL: %d\n", (int)q.pos);
	evbuffer_ptr_set(a, &e, 8, EVBUFFER_PTR_SET);
	q = evbuffer_search_range(a, "bc", 2, &p, &e);
	printf("range bc from 4 to 8: %d\n", (int)q.pos);
	q = evbuffer_search(a, "abcabcabcabc", 12, NULL);
	printf("needle longer than buffer: %d\n", (int)q.pos);

	/* peek lengths */
	printf("peek len 0: %d\n", evbuffer_peek(a, 0, NULL, v, 2));
	printf("peek len 0 no vec: %d\n", evbuffer_peek(a, 0, NULL, NULL, 0));
	n = evbuffer_peek(a, 3, NULL, v, 2);
	printf("peek 3: %d first=%.3s\n", n, (char *)v[0].iov_base);

	/* moving nothing */
	evbuffer_freeze(b, 0);
	printf("remove_buffer 0 to end-frozen: %d\n", evbuffer_remove_buffer(a, b, 0));
	printf("add_buffer of empty into end-frozen: %d\n", evbuffer_add_buffer(b, evbuffer_new()));
	printf("prepend 0 into end-frozen: %d\n", evbuffer_prepend(b, "", 0));
	printf("add 0 into end-frozen: %d\n", evbuffer_add(b, "", 0));
	evbuffer_unfreeze(b, 0);
	evbuffer_freeze(a, 1);
	printf("drain 0 of start-frozen: %d\n", evbuffer_drain(a, 0));
	printf("remove 0 of start-frozen: %d\n", evbuffer_remove(a, w, 0));
	printf("copyout 0 of start-frozen: %d\n", (int)evbuffer_copyout(a, w, 0));
	printf("pullup of start-frozen: %s\n", evbuffer_pullup(a, 3) ? "ptr" : "NULL");
	evbuffer_unfreeze(a, 1);
	printf("self add_buffer: %d remove_buffer: %d\n", evbuffer_add_buffer(a, a), evbuffer_remove_buffer(a, a, 3));
	printf("len=%zu\n", evbuffer_get_length(a));

	/* reserve/commit with two vectors, then an add in between */
	n = evbuffer_reserve_space(b, 100, v, 2);
	printf("reserve 2 vecs: %d\n", n >= 1);
	memcpy(v[0].iov_base, "xyz", 3);
	w[0].iov_base = v[0].iov_base;
	w[0].iov_len = 3;
	evbuffer_add(b, "Q", 1);
	printf("commit after add: %d len=%zu\n", evbuffer_commit_space(b, w, 1), evbuffer_get_length(b));
	n = evbuffer_reserve_space(b, 100, v, 2);
	w[0].iov_base = v[0].iov_base;
	w[0].iov_len = 3;
	memcpy(v[0].iov_base, "xyz", 3);
	printf("commit: %d\n", evbuffer_commit_space(b, w, 1));
	{
		char out[8] = { 0 };
		evbuffer_copyout(b, out, 7);
		printf("b: %s\n", out);
	}

	/* file segments cannot be shared */
	fd = mkstemp(path);
	unlink(path);
	if (write(fd, "filedata", 8) != 8)
		return 1;
	seg = evbuffer_file_segment_new(fd, 0, 8, EVBUF_FS_DISABLE_SENDFILE);
	evbuffer_drain(b, evbuffer_get_length(b));
	evbuffer_add_file_segment(b, seg, 0, 8);
	r = evbuffer_add_buffer_reference(a, b);
	printf("add_buffer_reference of a file segment: %d len=%zu\n", r, evbuffer_get_length(a));
	evbuffer_file_segment_free(seg);
	evbuffer_free(b);
	b = evbuffer_new();

	/* deferred callbacks of a buffer freed before the loop */
	base = event_base_new();
	evbuffer_add_cb(b, cb, NULL);
	evbuffer_defer_callbacks(b, base);
	evbuffer_add(b, "x", 1);
	evbuffer_free(b);
	event_base_loop(base, EVLOOP_NONBLOCK);
	printf("callbacks of a freed buffer: %d\n", ncb);
	/* and one that is not freed */
	b = evbuffer_new();
	evbuffer_add_cb(b, cb, NULL);
	evbuffer_defer_callbacks(b, base);
	evbuffer_add(b, "x", 1);
	printf("before loop: %d\n", ncb);
	event_base_loop(base, EVLOOP_NONBLOCK);
	printf("after loop: %d\n", ncb);
	evbuffer_free(b);
	event_base_free(base);
	evbuffer_free(a);
	printf("done\n");
	return 0;
}
