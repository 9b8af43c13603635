/*
 * core_lazy.c - goevent only: the Go core is mapped when the program starts
 * (so that it survives chroot and unmounted library directories: cases
 * core_chroot, core_unmount) but its Go runtime starts only when the program
 * first needs the core, never at load (fork safety, docs/ARCHITECTURE.md
 * "Fork"). Before that the process has one thread and the runtime's signal
 * handlers are not installed; making a base and adding events (the C layer's
 * own paths) keeps it so; the first dispatch starts the runtime.
 */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <event2/event.h>

#include "testcase.h"

static int threads(void)
{
	int n = 0;
	struct dirent *e;
	DIR *d = opendir("/proc/self/task");
	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static int core_mapped(void)
{
	char line[1024];
	int found = 0;
	FILE *f = fopen("/proc/self/maps", "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof line, f))
		found |= strstr(line, "/libgoevent_core-2.1.so.7") != NULL;
	fclose(f);
	return found;
}

/* 1 if SIGSEGV has a handler: the Go runtime installs one when it starts. */
static int segv_handled(void)
{
	struct sigaction sa;
	sigaction(SIGSEGV, NULL, &sa);
	return sa.sa_handler != SIG_DFL;
}

static void cb(evutil_socket_t fd, short what, void *arg) { (void)fd; (void)what; (void)arg; }

int main(void)
{
	struct timeval tv = {0, 1000};
	struct event_base *base;
	struct event *ev;

	tc_alarm("core_lazy", 10);
	TC_CHECK("the core is mapped at program start", core_mapped());
	TC_CHECK("one thread at program start", threads() == 1);
	TC_CHECK("no Go signal handler at program start", !segv_handled());

	base = event_base_new();
	ev = evtimer_new(base, cb, NULL);
	TC_CHECK("event_add before the first dispatch", evtimer_add(ev, &tv) == 0);
	TC_CHECK("still one thread after event_base_new and event_add", threads() == 1);
	TC_CHECK("still no Go signal handler", !segv_handled());

	TC_CHECK("dispatch runs the timer and returns", event_base_dispatch(base) != -1);
	TC_CHECK("the runtime runs after the first dispatch (threads > 1)", threads() > 1);
	TC_CHECK("the runtime's signal handlers after the first dispatch", segv_handled());

	event_free(ev);
	event_base_free(base);
	return tc_exit_status();
}
