/* event_dump_signal: event_base_dump_events and event_base_foreach_event
 * with a signal event: the base's internal signal watcher shows up first
 * (Read Persist Internal), then the signal event, then timers; counts leave
 * the internal event out. Pointers and fds are normalized. */
#include <event2/event.h>
#include <event2/event_struct.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "testcase.h"

static void cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	printf("  cb %s what=0x%x\n", (const char *)arg, what);
}

static void dump(struct event_base *b)
{
	char line[512];
	FILE *f = tmpfile();
	event_base_dump_events(b, f);
	rewind(f);
	while (fgets(line, sizeof line, f)) {
		char *p = strstr(line, "0x");
		if (p) {
			char *e;
			strtoul(p, &e, 16);
			memmove(p + 3, e, strlen(e) + 1);
			memcpy(p, "PTR", 3);
		}
		p = strstr(line, "[fd  ");
		if (p && p[5] != '-') {
			char *e;
			strtol(p + 5, &e, 10);
			memmove(p + 6, e, strlen(e) + 1);
			p[5] = 'N';
		}
		p = strstr(line, "Timeout=");
		if (p)
			strcpy(p, "Timeout=T\n");
		printf("| %s", line);
	}
	fclose(f);
}

static int visit(const struct event_base *b, const struct event *e, void *arg)
{
	(void)b; (void)arg;
	printf("  visit events=0x%x internal=%d\n", e->ev_events,
	    (e->ev_evcallback.evcb_flags & EVLIST_INTERNAL) != 0);
	return 0;
}

int main(void)
{
	tc_alarm("event_dump_signal", 10);
	setvbuf(stdout, NULL, _IONBF, 0);
	struct event_base *b = event_base_new();
	struct event *s = evsignal_new(b, SIGUSR1, cb, "usr1");
	struct event *s2 = event_new(b, SIGUSR2, EV_SIGNAL, cb, "usr2");
	event_add(s, NULL);
	event_add(s2, NULL);
	struct event *t = event_new(b, -1, 0, cb, "t");
	struct timeval tv = { 1, 0 };
	event_add(t, &tv);
	dump(b);
	event_base_foreach_event(b, visit, NULL);
	event_active(s, EV_SIGNAL, 1);
	dump(b);
	printf("num added %d, active %d\n", event_base_get_num_events(b, EVENT_BASE_COUNT_ADDED),
	    event_base_get_num_events(b, EVENT_BASE_COUNT_ACTIVE));
	raise(SIGUSR1);
	raise(SIGUSR2);
	event_base_loop(b, EVLOOP_NONBLOCK);
	dump(b);
	printf("num added %d, active %d\n", event_base_get_num_events(b, EVENT_BASE_COUNT_ADDED),
	    event_base_get_num_events(b, EVENT_BASE_COUNT_ACTIVE));
	event_del(s);
	dump(b);
	event_free(s);
	event_free(s2);
	event_free(t);
	event_base_free(b);
	return 0;
}
