/* evbuffer_ref_nested: evbuffer_add_buffer_reference(out, in) refuses (-1)
 * when `in` holds bytes that came into it by reference from another buffer
 * (nested or circular references), wherever those bytes moved since (add,
 * prepend, remove_buffer), until they have left it; a buffer whose own
 * bytes are referenced elsewhere, a destination holding references, and
 * evbuffer_add_reference memory are all accepted. */
#include <event2/buffer.h>
#include <event2/event.h>
#include <stdio.h>
#include <string.h>

#include "testcase.h"

static int cleanups;

static void cleanup(const void *data, size_t len, void *arg)
{
	(void)data;
	(void)len;
	(void)arg;
	cleanups++;
}

static void show(const char *tag, struct evbuffer *b)
{
	size_t n = evbuffer_get_length(b);
	char tmp[128];
	ev_ssize_t k = evbuffer_copyout(b, tmp, n < sizeof(tmp) - 1 ? n : sizeof(tmp) - 1);
	if (k < 0)
		k = 0;
	tmp[k] = 0;
	printf("  %s: len=%zu \"%s\"\n", tag, n, tmp);
}

static void ref(const char *tag, struct evbuffer *out, struct evbuffer *in)
{
	int r = evbuffer_add_buffer_reference(out, in);
	printf("%s: %d\n", tag, r);
}

static struct evbuffer *fresh(const char *s)
{
	struct evbuffer *b = evbuffer_new();
	evbuffer_add(b, s, strlen(s));
	return b;
}

int main(void)
{
	struct evbuffer *a, *b, *c, *d, *e;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("evbuffer_ref_nested", 10);
	tc_log_capture();

	a = fresh("aaa");
	b = fresh("bbb");
	c = fresh("ccc");
	d = evbuffer_new();
	e = evbuffer_new();

	ref("b <- a (plain)", b, a);
	show("b", b);
	ref("c <- b (b holds a reference)", c, b);
	ref("a <- b (circular)", a, b);
	ref("d <- a (a is referenced, holds none)", d, a);
	ref("d <- a again", d, a);
	ref("b <- c (destination holds references)", b, c);
	show("b", b);
	show("d", d);

	/* evbuffer_add_reference memory is not a buffer reference */
	evbuffer_add_reference(c, "user", 4, cleanup, NULL);
	ref("e <- c (c holds evbuffer_add_reference memory)", e, c);
	show("e", e);

	/* the referenced bytes move with add_buffer */
	evbuffer_drain(e, evbuffer_get_length(e));
	evbuffer_add(e, "eee", 3);
	evbuffer_add_buffer(e, d);
	ref("c <- e (e got d's references by add_buffer)", c, e);
	ref("c <- d (d emptied by add_buffer)", c, d);
	evbuffer_drain(e, 3);
	ref("c <- e (its own bytes drained, references left)", c, e);
	evbuffer_drain(e, 2);
	ref("c <- e (part of a reference drained)", c, e);
	evbuffer_drain(e, evbuffer_get_length(e));
	ref("c <- e (drained empty)", c, e);
	evbuffer_add(e, "new", 3);
	ref("c <- e (refilled)", c, e);

	/* prepend_buffer and remove_buffer */
	evbuffer_free(d);
	d = fresh("ddd");
	evbuffer_add_buffer_reference(e, a); /* e: "new" + ref(a) */
	evbuffer_prepend_buffer(d, e);
	ref("c <- d (got references by prepend_buffer)", c, d);
	evbuffer_remove_buffer(d, e, 4); /* "new" moves, 1 byte of a's copied */
	show("d", d);
	show("e", e);
	ref("c <- e (remove_buffer copied part of a reference)", c, e);
	ref("c <- d (kept the rest of the reference)", c, d);
	evbuffer_remove_buffer(d, e, 2);
	ref("c <- d (reference removed, own bytes left)", c, d);
	show("d", d);

	/* pullup copies the referenced bytes into a block of the buffer's own */
	evbuffer_drain(e, evbuffer_get_length(e));
	evbuffer_add(e, "x", 1);
	evbuffer_add_buffer_reference(e, a);
	evbuffer_add(e, "y", 1);
	evbuffer_pullup(e, -1);
	ref("c <- e (after pullup of everything)", c, e);
	show("e", e);

	/* empty sources are accepted before any check */
	evbuffer_drain(d, evbuffer_get_length(d));
	ref("c <- d (empty)", c, d);
	ref("c <- c (itself)", c, c);
	printf("logged: %d\n", tc_log_.n);

	evbuffer_free(a);
	evbuffer_free(b);
	evbuffer_free(c);
	evbuffer_free(d);
	evbuffer_free(e);
	printf("cleanups: %d\n", cleanups);
	printf("done\n");
	return 0;
}
