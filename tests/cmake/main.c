/* The CMake test's program: runs a timer on a locked base and says which
 * libevent it loaded (tests/cmake/run.sh). */
#include <stdio.h>
#include <string.h>

#include <event2/event.h>
#include <event2/thread.h>

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	*(int *)arg += 1;
}

int main(void)
{
	struct timeval tv = {0, 1000};
	struct event_base *base;
	char line[4096];
	int fired = 0, goevent = 0;
	FILE *maps;

	if (evthread_use_pthreads() < 0)
		return 1;
	base = event_base_new();
	if (!base || event_base_once(base, -1, EV_TIMEOUT, on_timer, &fired, &tv) < 0)
		return 1;
	event_base_dispatch(base);
	event_base_free(base);

	maps = fopen("/proc/self/maps", "r");
	while (maps && fgets(line, sizeof line, maps))
		goevent |= strstr(line, "libgoevent_core-2.1.so.7") != NULL;
	if (maps)
		fclose(maps);
	printf("timer fired: %d; libevent %s; goevent core loaded: %s\n",
	    fired, event_get_version(), goevent ? "yes" : "no");
	return fired == 1 && goevent ? 0 : 1;
}
