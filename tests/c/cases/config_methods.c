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
#include "loop.h"

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
	tc_sevlog_.n = 0;
	b = event_base_new_with_config(cfg);
	event_config_free(cfg);
	printf("avoid [%s] require 0x%x: ", avoid, features < 0 ? 0 : features);
	if (!b) {
		printf("NULL, log calls %d:", tc_sevlog_.n);
		for (i = 0; i < tc_sevlog_.n && i < 8; i++)
			if (tc_sevlog_.sev[i] != EVENT_LOG_DEBUG)
				printf(" severity=%d", tc_sevlog_.sev[i]);
		printf("\n");
		return;
	}
	printf("%s features 0x%x, log calls %d\n", event_base_get_method(b),
	    event_base_get_features(b), tc_sevlog_.n);
	tc_exercise_io_timer(b);
	event_base_free(b);
}

int main(void)
{
	const char **m;
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("config_methods", 15);
	tc_sevlog_capture();
	tc_unset_event_env();

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
