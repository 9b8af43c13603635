/* evbuffer_cb: evbuffer_add_cb callbacks with their exact evbuffer_cb_info
 * for each modifying call, order (newest first), enable/disable through
 * cb_set_flags/cb_clear_flags, remove_cb/remove_cb_entry, a callback that
 * removes itself, the compat evbuffer_setcb, and evbuffer_defer_callbacks
 * (callbacks run from the loop, with the accumulated counts). */
#include <event2/buffer.h>
#include <event2/buffer_compat.h>
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testcase.h"

static struct evbuffer_cb_entry *self_ent;

static void cb(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	printf("  cb %s: orig=%zu added=%zu deleted=%zu len=%zu\n", (const char *)arg,
	    info->orig_size, info->n_added, info->n_deleted, evbuffer_get_length(buf));
}

static void cb_self_remove(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	(void)info;
	printf("  cb %s: removing myself: %d\n", (const char *)arg, evbuffer_remove_cb_entry(buf, self_ent));
}

static void old_cb(struct evbuffer *buf, size_t oldlen, size_t newlen, void *arg)
{
	printf("  old cb %s: %zu -> %zu (len %zu)\n", (const char *)arg, oldlen, newlen, evbuffer_get_length(buf));
}

static void cb_adds(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	(void)arg;
	printf("  cb adds: added=%zu deleted=%zu\n", info->n_added, info->n_deleted);
	if (evbuffer_get_length(buf) < 8)
		evbuffer_add(buf, "!", 1);
}

int main(void)
{
	struct evbuffer *a = evbuffer_new(), *b = evbuffer_new();
	struct evbuffer_cb_entry *e1, *e2;
	struct evbuffer_iovec v[1];
	struct event_base *base;
	char out[64];
	char *line;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("evbuffer_cb", 10);

	e1 = evbuffer_add_cb(a, cb, "one");
	e2 = evbuffer_add_cb(a, cb, "two");
	printf("add_cb: %d %d\n", e1 != NULL, e2 != NULL);
	printf("add 5\n");
	evbuffer_add(a, "hello", 5);
	printf("add 0\n");
	evbuffer_add(a, "", 0);
	printf("prepend 3\n");
	evbuffer_prepend(a, ">> ", 3);
	printf("drain 2\n");
	evbuffer_drain(a, 2);
	printf("drain 0\n");
	evbuffer_drain(a, 0);
	printf("remove 3\n");
	evbuffer_remove(a, out, 3);
	printf("copyout/pullup/peek/search (no callbacks)\n");
	evbuffer_copyout(a, out, 3);
	evbuffer_pullup(a, -1);
	evbuffer_peek(a, -1, NULL, NULL, 0);
	evbuffer_search(a, "l", 1, NULL);
	evbuffer_expand(a, 1000);
	printf("printf\n");
	evbuffer_add_printf(a, "%d\r\n", 12345);
	printf("readln\n");
	line = evbuffer_readln(a, NULL, EVBUFFER_EOL_CRLF);
	printf("line: %s\n", line);
	free(line);
	printf("add_reference 4\n");
	evbuffer_add_reference(a, "ref!", 4, NULL, NULL);
	printf("reserve/commit 6\n");
	evbuffer_reserve_space(a, 10, v, 1);
	memcpy(v[0].iov_base, "commit", 6);
	v[0].iov_len = 6;
	evbuffer_commit_space(a, v, 1);
	printf("add_buffer a -> b (a empties)\n");
	evbuffer_add_buffer(b, a);
	printf("b -> a by add_buffer\n");
	evbuffer_add_buffer(a, b);
	printf("remove_buffer 3 a -> b\n");
	evbuffer_remove_buffer(a, b, 3);
	printf("prepend_buffer b -> a\n");
	evbuffer_prepend_buffer(a, b);
	printf("add_buffer_reference b <- a\n");
	evbuffer_add_buffer_reference(b, a);
	printf("add_iovec\n");
	v[0].iov_base = "vec";
	v[0].iov_len = 3;
	evbuffer_add_iovec(a, v, 1);

	printf("disable two\n");
	printf("clear_flags: %d\n", evbuffer_cb_clear_flags(a, e2, EVBUFFER_CB_ENABLED));
	evbuffer_drain(a, 1);
	printf("enable two\n");
	printf("set_flags: %d\n", evbuffer_cb_set_flags(a, e2, EVBUFFER_CB_ENABLED));
	evbuffer_drain(a, 1);
	printf("remove_cb one: %d\n", evbuffer_remove_cb(a, cb, "one"));
	printf("remove_cb one again: %d\n", evbuffer_remove_cb(a, cb, "one"));
	evbuffer_drain(a, 1);
	printf("remove_cb_entry two: %d\n", evbuffer_remove_cb_entry(a, e2));
	evbuffer_drain(a, 1);

	self_ent = evbuffer_add_cb(a, cb_self_remove, "self");
	evbuffer_add_cb(a, cb, "after-self");
	printf("drain with self-removing callback\n");
	evbuffer_drain(a, 1);
	printf("drain again\n");
	evbuffer_drain(a, 1);
	evbuffer_remove_cb(a, cb, "after-self");

	printf("setcb\n");
	printf("setcb: %d\n", evbuffer_setcb(a, old_cb, "compat"));
	evbuffer_add(a, "xy", 2);
	evbuffer_drain(a, 3);
	evbuffer_add_cb(a, cb, "new");
	printf("setcb replaces all\n");
	evbuffer_setcb(a, old_cb, "compat2");
	evbuffer_add(a, "z", 1);
	evbuffer_setcb(a, NULL, NULL);
	printf("setcb NULL\n");
	evbuffer_add(a, "z", 1);

	printf("callback that adds (reentrant)\n");
	evbuffer_drain(a, evbuffer_get_length(a));
	evbuffer_add_cb(a, cb_adds, NULL);
	evbuffer_add(a, "12345", 5);
	printf("len=%zu\n", evbuffer_get_length(a));
	evbuffer_free(a);

	/* deferred */
	base = event_base_new();
	a = evbuffer_new();
	evbuffer_add_cb(a, cb, "deferred");
	e1 = evbuffer_add_cb(a, cb, "nodefer");
	printf("defer_callbacks: %d\n", evbuffer_defer_callbacks(a, base));
	evbuffer_cb_set_flags(a, e1, 2 /* EVBUFFER_CB_NODEFER, internal */);
	printf("add 4, add 3, drain 2\n");
	evbuffer_add(a, "abcd", 4);
	evbuffer_add(a, "efg", 3);
	evbuffer_drain(a, 2);
	printf("loop\n");
	event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop again (nothing)\n");
	event_base_loop(base, EVLOOP_NONBLOCK);
	printf("drain 5, loop\n");
	evbuffer_drain(a, 5);
	event_base_loop(base, EVLOOP_NONBLOCK);
	evbuffer_free(a);
	evbuffer_free(b);
	event_base_free(base);
	printf("done\n");
	return 0;
}
