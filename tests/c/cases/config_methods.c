/* config_methods: how event_base_new_with_config picks a backend from
 * event_config_avoid_method and event_config_require_features (epoll, then
 * poll, then select; the first one neither avoided nor lacking a required
 * feature), what event_base_get_method/event_base_get_features report, the
 * list from event_get_supported_methods, and the failure when nothing is
 * left (NULL and a warning). Each base that is made runs a timer and reads
 * from a socketpair. */
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "testcase.h"

static int nlog, sev[8];
static void logcb(int severity, const char *msg)
{
	(void)msg;
	if (nlog < 8)
		sev[nlog] = severity;
	nlog++;
}

static char order[16];
static void cb(evutil_socket_t fd, short what, void *arg)
{
	strncat(order, (const char *)arg, sizeof(order) - strlen(order) - 1);
	if (what & EV_READ) {
		char buf[8];
		if (recv(fd, buf, sizeof(buf), 0) < 0)
			strncat(order, "!", sizeof(order) - strlen(order) - 1);
	}
}

static void exercise(struct event_base *base)
{
	struct event *io, *t;
	struct timeval tv = {0, 5000};
	int sv[2], r;
	order[0] = 0;
	if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return;
	evutil_make_socket_nonblocking(sv[0]);
	io = event_new(base, sv[0], EV_READ, cb, "R");
	t = evtimer_new(base, cb, "T");
	event_add(io, NULL);
	evtimer_add(t, &tv);
	if (send(sv[1], "x", 1, 0) != 1)
		printf("  send failed\n");
	r = event_base_dispatch(base);
	printf("  dispatch %d order=%s\n", r, order);
	event_free(io);
	event_free(t);
	close(sv[0]);
	close(sv[1]);
}

/* Builds a base avoiding the comma-separated methods in avoid and requiring
 * features, and reports what came out. */
static void try(const char *avoid, int features)
{
	struct event_config *cfg = event_config_new();
	struct event_base *b;
	char list[64], *p, *save = NULL;
	int i;

	snprintf(list, sizeof list, "%s", avoid);
	for (p = strtok_r(list, ",", &save); p; p = strtok_r(NULL, ",", &save))
		event_config_avoid_method(cfg, p);
	if (features >= 0)
		event_config_require_features(cfg, features);
	nlog = 0;
	b = event_base_new_with_config(cfg);
	event_config_free(cfg);
	printf("avoid [%s] require 0x%x: ", avoid, features < 0 ? 0 : features);
	if (!b) {
		printf("NULL, log calls %d:", nlog);
		for (i = 0; i < nlog && i < 8; i++)
			if (sev[i] != EVENT_LOG_DEBUG)
				printf(" severity=%d", sev[i]);
		printf("\n");
		return;
	}
	printf("%s features 0x%x, log calls %d\n", event_base_get_method(b),
	    event_base_get_features(b), nlog);
	exercise(b);
	event_base_free(b);
}

int main(void)
{
	const char **m;
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("config_methods", 15);
	event_set_log_callback(logcb);
	unsetenv("EVENT_NOEPOLL");
	unsetenv("EVENT_NOPOLL");
	unsetenv("EVENT_NOSELECT");
	unsetenv("EVENT_SHOW_METHOD");

	m = event_get_supported_methods();
	printf("supported methods:");
	for (i = 0; m && m[i]; i++)
		printf(" %s", m[i]);
	printf("\n");

	try("", -1);
	try("epoll", -1);
	try("poll", -1);
	try("select", -1);
	try("epoll,poll", -1);
	try("poll,epoll", -1);
	try("epoll,select", -1);
	try("epoll,poll,select", -1);
	try("kqueue,devpoll,win32", -1);
	try("EPOLL", -1);
	try("epoll ", -1);
	try("", 0);
	try("", EV_FEATURE_ET);
	try("", EV_FEATURE_O1);
	try("", EV_FEATURE_EARLY_CLOSE);
	try("", EV_FEATURE_ET | EV_FEATURE_O1 | EV_FEATURE_EARLY_CLOSE);
	try("", EV_FEATURE_FDS);
	try("", EV_FEATURE_FDS | EV_FEATURE_EARLY_CLOSE);
	try("poll", EV_FEATURE_FDS);
	try("poll,select", EV_FEATURE_FDS);
	try("epoll", EV_FEATURE_EARLY_CLOSE);
	try("epoll,poll", EV_FEATURE_EARLY_CLOSE);
	try("", EV_FEATURE_ET | EV_FEATURE_FDS);
	try("", EV_FEATURE_O1 | EV_FEATURE_FDS);
	try("", 0xf);
	try("", 0x10);
	try("epoll", EV_FEATURE_ET);

	/* require_features replaces, it does not accumulate. */
	{
		struct event_config *cfg = event_config_new();
		struct event_base *b;
		event_config_require_features(cfg, EV_FEATURE_FDS);
		event_config_require_features(cfg, EV_FEATURE_ET);
		b = event_base_new_with_config(cfg);
		printf("require FDS then ET: %s\n", b ? event_base_get_method(b) : "NULL");
		if (b)
			event_base_free(b);
		event_config_free(cfg);
	}

	/* The list does not change with the environment or avoided methods. */
	setenv("EVENT_NOEPOLL", "1", 1);
	m = event_get_supported_methods();
	printf("supported methods with EVENT_NOEPOLL:");
	for (i = 0; m && m[i]; i++)
		printf(" %s", m[i]);
	printf("\n");
	unsetenv("EVENT_NOEPOLL");
	printf("done\n");
	return 0;
}
