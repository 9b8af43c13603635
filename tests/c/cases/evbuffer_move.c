/* evbuffer_move: prepend, prepend_buffer, remove_buffer, add_buffer,
 * copyout_from, expand, get_contiguous_space, add_iovec, add_printf,
 * add_vprintf, the compat macros EVBUFFER_LENGTH/EVBUFFER_DATA, and the
 * operations a frozen end refuses. */
#include <event2/buffer.h>
#include <event2/buffer_compat.h>
#include <event2/event.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testcase.h"

static void dump(const char *tag, struct evbuffer *b)
{
	size_t n = evbuffer_get_length(b);
	char tmp[256];
	ev_ssize_t k = evbuffer_copyout(b, tmp, n < sizeof(tmp) - 1 ? n : sizeof(tmp) - 1);
	if (k < 0) k = 0;
	tmp[k] = 0;
	printf("%s: len=%zu \"%s\"\n", tag, n, tmp);
}

static int vp(struct evbuffer *b, const char *fmt, ...)
{
	va_list ap;
	int r;
	va_start(ap, fmt);
	r = evbuffer_add_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

int main(void)
{
	struct evbuffer *a = evbuffer_new(), *b = evbuffer_new(), *c = evbuffer_new();
	struct evbuffer_iovec iov[3];
	struct evbuffer_ptr p;
	char out[64], big[5000];
	int r, i;
	unsigned char *d;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("evbuffer_move", 10);

	/* prepend on empty and non-empty, large and small */
	r = evbuffer_prepend(a, "world", 5);
	printf("prepend empty: %d\n", r);
	r = evbuffer_prepend(a, "hello ", 6);
	printf("prepend: %d\n", r);
	dump("a", a);
	memset(big, 'x', sizeof(big));
	r = evbuffer_prepend(a, big, 3000);
	printf("prepend 3000: %d len=%zu\n", r, evbuffer_get_length(a));
	evbuffer_drain(a, 3000);
	dump("a drained", a);
	r = evbuffer_prepend(a, "", 0);
	printf("prepend 0: %d\n", r);

	/* prepend_buffer / add_buffer */
	evbuffer_add(b, "<<", 2);
	r = evbuffer_prepend_buffer(a, b);
	printf("prepend_buffer: %d b=%zu\n", r, evbuffer_get_length(b));
	dump("a", a);
	r = evbuffer_prepend_buffer(a, b);
	printf("prepend_buffer empty src: %d\n", r);
	r = evbuffer_prepend_buffer(a, a);
	printf("prepend_buffer self: %d\n", r);
	evbuffer_add(b, ">>", 2);
	r = evbuffer_prepend_buffer(c, b);
	printf("prepend_buffer into empty: %d\n", r);
	dump("c", c);

	/* remove_buffer: partial, across chains, all, zero */
	evbuffer_drain(c, evbuffer_get_length(c));
	for (i = 0; i < 5; i++)
		evbuffer_add_reference(a, "0123456789" + i, 2, NULL, NULL);
	dump("a refs", a);
	r = evbuffer_remove_buffer(a, c, 7);
	printf("remove_buffer 7: %d\n", r);
	dump("a", a);
	dump("c", c);
	r = evbuffer_remove_buffer(a, c, 0);
	printf("remove_buffer 0: %d\n", r);
	r = evbuffer_remove_buffer(a, c, 1000);
	printf("remove_buffer all: %d\n", r);
	dump("a", a);
	dump("c", c);
	r = evbuffer_remove_buffer(a, c, 10);
	printf("remove_buffer from empty: %d\n", r);

	/* copyout_from */
	evbuffer_ptr_set(c, &p, 4, EVBUFFER_PTR_SET);
	memset(out, 0, sizeof(out));
	printf("copyout_from 4,5: %d \"%s\"\n", (int)evbuffer_copyout_from(c, &p, out, 5), out);
	memset(out, 0, sizeof(out));
	printf("copyout_from 4,100: %d \"%s\"\n", (int)evbuffer_copyout_from(c, &p, out, 100), out);
	memset(out, 0, sizeof(out));
	printf("copyout_from NULL,3: %d \"%s\"\n", (int)evbuffer_copyout_from(c, NULL, out, 3), out);
	evbuffer_ptr_set(c, &p, evbuffer_get_length(c), EVBUFFER_PTR_SET);
	printf("copyout_from end: %d\n", (int)evbuffer_copyout_from(c, &p, out, 3));
	printf("len after copyout_from: %zu\n", evbuffer_get_length(c));

	/* expand and contiguous space */
	evbuffer_free(b);
	b = evbuffer_new();
	printf("contiguous empty: %zu\n", evbuffer_get_contiguous_space(b));
	printf("expand 100: %d\n", evbuffer_expand(b, 100));
	printf("len after expand: %zu\n", evbuffer_get_length(b));
	evbuffer_add(b, "abc", 3);
	printf("contiguous: %zu\n", evbuffer_get_contiguous_space(b));
	printf("expand SIZE_MAX: %d\n", evbuffer_expand(b, SIZE_MAX));
	printf("expand 0: %d\n", evbuffer_expand(b, 0));
	evbuffer_add_reference(b, "def", 3, NULL, NULL);
	printf("contiguous after ref: %zu\n", evbuffer_get_contiguous_space(b));
	d = evbuffer_pullup(b, -1);
	printf("contiguous after pullup: %zu %.6s\n", evbuffer_get_contiguous_space(b), (char *)d);

	/* add_iovec */
	iov[0].iov_base = "one,"; iov[0].iov_len = 4;
	iov[1].iov_base = ""; iov[1].iov_len = 0;
	iov[2].iov_base = "two"; iov[2].iov_len = 3;
	printf("add_iovec: %zu\n", evbuffer_add_iovec(b, iov, 3));
	printf("add_iovec none: %zu\n", evbuffer_add_iovec(b, iov, 0));
	dump("b", b);

	/* printf family */
	evbuffer_drain(b, evbuffer_get_length(b));
	r = evbuffer_add_printf(b, "%d-%s-%c-%05.1f", 42, "str", 'z', 3.14159);
	printf("add_printf: %d\n", r);
	r = evbuffer_add_printf(b, "%s", "");
	printf("add_printf empty: %d\n", r);
	r = vp(b, "[%x|%lu]", 255u, 123456789UL);
	printf("add_vprintf: %d\n", r);
	dump("b", b);
	r = evbuffer_add_printf(b, "%2000d", 7);
	printf("add_printf long: %d len=%zu\n", r, evbuffer_get_length(b));
	evbuffer_drain(b, evbuffer_get_length(b) - 3);
	dump("b tail", b);

	/* compat macros */
	printf("EVBUFFER_LENGTH: %zu\n", (size_t)EVBUFFER_LENGTH(b));
	printf("EVBUFFER_DATA: %.3s\n", (char *)EVBUFFER_DATA(b));

	/* frozen ends */
	evbuffer_freeze(b, 0);
	printf("end frozen: add=%d prepend=%d printf=%d ref=%d expand=%d\n",
	    evbuffer_add(b, "q", 1), evbuffer_prepend(b, "q", 1), evbuffer_add_printf(b, "q"),
	    evbuffer_add_reference(b, "q", 1, NULL, NULL), evbuffer_expand(b, 10));
	evbuffer_add(c, "zz", 2);
	printf("end frozen: add_buffer=%d prepend_buffer=%d remove_buffer=%d add_buffer_reference=%d\n",
	    evbuffer_add_buffer(b, c), evbuffer_prepend_buffer(b, c), evbuffer_remove_buffer(c, b, 1),
	    evbuffer_add_buffer_reference(b, c));
	printf("end frozen: reserve=%d\n", evbuffer_reserve_space(b, 10, iov, 1));
	printf("end frozen: drain=%d remove=%d copyout=%d len=%zu\n", evbuffer_drain(b, 1),
	    evbuffer_remove(b, out, 1), (int)evbuffer_copyout(b, out, 1), evbuffer_get_length(b));
	evbuffer_unfreeze(b, 0);
	evbuffer_freeze(b, 1);
	printf("start frozen: add=%d prepend=%d drain=%d remove=%d copyout=%d\n",
	    evbuffer_add(b, "q", 1), evbuffer_prepend(b, "q", 1), evbuffer_drain(b, 1),
	    evbuffer_remove(b, out, 1), (int)evbuffer_copyout(b, out, 1));
	printf("start frozen: add_buffer(src)=%d add_buffer(dst)=%d prepend_buffer=%d remove_buffer=%d\n",
	    evbuffer_add_buffer(c, b), evbuffer_add_buffer(b, c), evbuffer_prepend_buffer(b, c),
	    evbuffer_remove_buffer(b, c, 1));
	printf("start frozen: readln=%s len=%zu\n", evbuffer_readln(b, NULL, EVBUFFER_EOL_ANY) ? "line" : "NULL",
	    evbuffer_get_length(b));
	evbuffer_unfreeze(b, 1);
	printf("unfrozen: drain=%d len=%zu\n", evbuffer_drain(b, 1), evbuffer_get_length(b));

	evbuffer_free(a);
	evbuffer_free(b);
	evbuffer_free(c);
	printf("done\n");
	return 0;
}
