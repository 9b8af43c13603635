/*
 * core_lazy.c - goevent only: the Go core is mapped when the program starts
 * (so that it survives chroot and unmounted library directories: cases
 * core_chroot, core_unmount) but its Go runtime starts only when the program
 * makes its first event_base, never at load (fork safety, docs/ARCHITECTURE.md
 * "Fork"): a program that links libevent and uses only evutil helpers and
 * configs keeps one thread and no runtime signal handler. The first base
 * starts the runtime, which initialises on a thread of its own while the
 * program goes on (its synchronous part installs the runtime's handlers);
 * the first dispatch waits for it. What the runtime changes in the program
 * is put back: RLIMIT_NOFILE as it was (package syscall raises it).
 * A process running as root is the exception (capi/loader.c,
 * gev_core_prestart: privilege-separated daemons make their bases as root,
 * then drop privileges and may forbid threads): its runtime starts at the
 * first call that needs the core. Started as root, the case checks that in a
 * child, then goes on as nobody.
 */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* As root: a base and an event start nothing; the first dispatch does.
 * 0 when all holds, else the number of the check that failed. */
static int root_child(void)
{
	struct timeval tv = {0, 1000};
	struct event_base *base = event_base_new();
	struct event *ev = evtimer_new(base, cb, NULL);
	if (!base || !ev || evtimer_add(ev, &tv) != 0)
		return 1;
	if (threads() != 1 || segv_handled())
		return 2;
	if (event_base_dispatch(base) == -1 || threads() < 2 || !segv_handled())
		return 3;
	return 0;
}

int main(void)
{
	struct timeval tv = {0, 1000};
	struct event_config *cfg;
	struct event_base *base;
	struct event *ev;
	struct rlimit lim, before;
	evutil_socket_t sv[2];

	tc_alarm("core_lazy", 10);
	if (geteuid() == 0) {
		int status = -1;
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0)
			_exit(root_child());
		waitpid(pid, &status, 0);
		TC_CHECK("as root, event_base_new starts no runtime; the first dispatch does",
		    WIFEXITED(status) && WEXITSTATUS(status) == 0);
		if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
			printf("     (root child: check %d failed)\n", WEXITSTATUS(status));
		if (setgid(65534) != 0 || setuid(65534) != 0) {
			printf("cannot become nobody\n");
			return 1;
		}
	}
	/* A soft RLIMIT_NOFILE below the hard one, which the runtime would raise. */
	if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_max > 64) {
		lim.rlim_cur = lim.rlim_max > 512 ? 512 : lim.rlim_max - 8;
		setrlimit(RLIMIT_NOFILE, &lim);
	}
	getrlimit(RLIMIT_NOFILE, &before);
	TC_CHECK("the core is mapped at program start", core_mapped());
	TC_CHECK("one thread at program start", threads() == 1);
	TC_CHECK("no Go signal handler at program start", !segv_handled());

	cfg = event_config_new();
	event_config_avoid_method(cfg, "select");
	TC_CHECK("evutil helpers work", evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	evutil_closesocket(sv[0]);
	evutil_closesocket(sv[1]);
	TC_CHECK("still one thread after event_config_new and evutil calls", threads() == 1);
	TC_CHECK("still no Go signal handler", !segv_handled());

	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	TC_CHECK("the first event_base starts the runtime (its signal handlers)", segv_handled());
	TC_CHECK("and its thread (threads > 1)", threads() > 1);
	ev = evtimer_new(base, cb, NULL);
	TC_CHECK("event_add before the first dispatch", evtimer_add(ev, &tv) == 0);
	TC_CHECK("dispatch runs the timer and returns", event_base_dispatch(base) != -1);
	TC_CHECK("the runtime runs after the first dispatch (threads > 1)", threads() > 1);
	getrlimit(RLIMIT_NOFILE, &lim);
	TC_CHECK("RLIMIT_NOFILE is as the program set it",
	    lim.rlim_cur == before.rlim_cur && lim.rlim_max == before.rlim_max);

	event_free(ev);
	event_base_free(base);
	return tc_exit_status();
}
