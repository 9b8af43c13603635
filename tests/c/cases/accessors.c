/* accessors.c - event_get_assignment, event_get_priority,
 * event_get_struct_event_size, evconnlistener_get_base. */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/event.h>
#include <event2/event_struct.h>
#include <event2/listener.h>

static void cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int len, void *arg)
{
	(void)l; (void)fd; (void)sa; (void)len; (void)arg;
}

int main(void)
{
	struct event_base *base = event_base_new();
	int marker = 0;

	printf("event_get_struct_event_size: %zu\n", event_get_struct_event_size());

	struct event *ev = event_new(base, 7, EV_READ | EV_PERSIST, cb, &marker);
	struct event_base *b = NULL;
	evutil_socket_t fd = -2;
	short events = 0;
	event_callback_fn fn = NULL;
	void *arg = NULL;
	event_get_assignment(ev, &b, &fd, &events, &fn, &arg);
	printf("assignment: base=%s fd=%d events=0x%02x cb=%s arg=%s\n",
	    b == base ? "same" : "other", (int)fd, events,
	    fn == cb ? "same" : "other", arg == &marker ? "same" : "other");
	event_get_assignment(ev, NULL, &fd, NULL, NULL, NULL);
	printf("assignment with NULL outs: fd=%d\n", (int)fd);
	printf("priority of a new event (1 priority): %d\n", event_get_priority(ev));
	event_free(ev);

	struct event tm;
	evtimer_assign(&tm, base, cb, NULL);
	event_get_assignment(&tm, NULL, &fd, &events, NULL, NULL);
	printf("timer assignment: fd=%d events=0x%02x priority=%d\n", (int)fd, events, event_get_priority(&tm));

	struct sockaddr_in sin;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	struct evconnlistener *l = evconnlistener_new_bind(base, on_accept, NULL,
	    LEV_OPT_CLOSE_ON_FREE, -1, (struct sockaddr *)&sin, sizeof sin);
	printf("listener: %s, get_base: %s\n", l ? "made" : "NULL",
	    l && evconnlistener_get_base(l) == base ? "same" : "other");
	evconnlistener_free(l);
	event_base_free(base);
	printf("done\n");
	return 0;
}
