/* tag_mem: evtag_unmarshal_string allocates the string it returns through
 * event_set_mem_functions' allocator (the program frees it with the
 * matching free); when that allocator fails, it returns -1 with a logged
 * warning and *pstring NULL, the record's header removed and its payload left in the
 * buffer. */
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/tag.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testcase.h"

#define MAGIC 0x74616731u
struct hdr { unsigned magic; unsigned pad; size_t size; };
static int fail_next;

static void *my_malloc(size_t n)
{
	struct hdr *h;
	if (fail_next) {
		fail_next = 0;
		return NULL;
	}
	if (!(h = malloc(sizeof(struct hdr) + n)))
		return NULL;
	h->magic = MAGIC;
	h->size = n;
	return h + 1;
}

static void *my_realloc(void *p, size_t n)
{
	struct hdr *h;
	if (!p)
		return my_malloc(n);
	h = (struct hdr *)p - 1;
	if (!(h = realloc(h, sizeof(struct hdr) + n)))
		return NULL;
	h->size = n;
	return h + 1;
}

static void my_free(void *p)
{
	if (p)
		free((struct hdr *)p - 1);
}

static int mine(const void *p, size_t size)
{
	const struct hdr *h = (const struct hdr *)p - 1;
	return h->magic == MAGIC && h->size == size;
}

int main(void)
{
	struct evbuffer *b;
	char *s = NULL;
	int r;

	event_set_mem_functions(my_malloc, my_realloc, my_free);
	tc_alarm("tag_mem", 10);
	tc_log_capture();
	b = evbuffer_new();

	evtag_marshal_string(b, 4, "allocated");
	r = evtag_unmarshal_string(b, 4, &s);
	printf("unmarshal_string %d [%s], from the program's allocator (size 10): %s\n", r, s,
	    tc_yesno(mine(s, 10)));
	my_free(s);

	evtag_marshal_string(b, 4, "");
	s = NULL;
	r = evtag_unmarshal_string(b, 4, &s);
	printf("empty string %d, from the program's allocator (size 1): %s\n", r, tc_yesno(s && mine(s, 1)));
	my_free(s);

	evtag_marshal_string(b, 4, "no memory");
	evtag_marshal_int(b, 5, 6);
	s = (char *)"unset";
	tc_log_reset();
	fail_next = 1;
	r = evtag_unmarshal_string(b, 4, &s);
	printf("allocator fails: %d, output %s, warning logged %s, left %zu\n", r,
	    !s ? "NULL" : strcmp(s, "unset") == 0 ? "unset" : "other", tc_yesno(tc_log_.by_severity[EVENT_LOG_WARN] > 0),
	    evbuffer_get_length(b));
	evbuffer_drain(b, 9);
	{
		ev_uint32_t v = 0;
		r = evtag_unmarshal_int(b, 5, &v);
		printf("next record: %d %u, left %zu\n", r, v, evbuffer_get_length(b));
	}

	evbuffer_free(b);
	printf("done\n");
	return 0;
}
