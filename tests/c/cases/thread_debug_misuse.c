/* thread_debug_misuse: what evthread_enable_lock_debugging adds is checking.
 * In a child each: with debugging on, unlocking an evbuffer or a thread-safe
 * bufferevent that is not locked is a fatal error (the fatal callback gets
 * libevent's abort code); balanced lock/unlock passes, with and without
 * debugging. (Without debugging the misuse is undefined: not tried.) */
/* libs: libevent_core libevent_pthreads */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testcase.h"

static void log_cb(int sev, const char *msg)
{
	(void)msg; /* the text names a source file and line */
	printf("  log severity %d\n", sev);
}

static void fatal_cb(int err)
{
	printf("  fatal(0x%x)\n", (unsigned)err);
	fflush(stdout);
	_exit(7);
}

/* misuse: 0 none, 1 evbuffer_unlock, 2 bufferevent_unlock */
static void run(const char *name, int debugging, int misuse)
{
	pid_t pid;
	int status;
	printf("%s:\n", name);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct event_base *base;
		struct bufferevent *bev;
		struct evbuffer *out;
		int sv[2];

		event_set_log_callback(log_cb);
		event_set_fatal_callback(fatal_cb);
		if (debugging)
			evthread_enable_lock_debugging();
		evthread_use_pthreads();
		base = event_base_new();
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
			_exit(2);
		evutil_make_socket_nonblocking(sv[0]);
		bev = bufferevent_socket_new(base, sv[0], BEV_OPT_CLOSE_ON_FREE | BEV_OPT_THREADSAFE);
		out = bufferevent_get_output(bev);
		evbuffer_lock(out);
		evbuffer_lock(out);
		evbuffer_unlock(out);
		evbuffer_unlock(out);
		bufferevent_lock(bev);
		bufferevent_unlock(bev);
		printf("  balanced lock/unlock: ok\n");
		fflush(stdout);
		if (misuse == 1)
			evbuffer_unlock(out);
		else if (misuse == 2)
			bufferevent_unlock(bev);
		if (misuse)
			printf("  unlock without lock: returned\n");
		else
			bufferevent_free(bev);
		event_base_free(base);
		close(sv[1]);
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	printf("  exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("thread_debug_misuse", 15);
	run("no debugging, balanced", 0, 0);
	run("debugging, balanced", 1, 0);
	run("debugging, evbuffer_unlock without lock", 1, 1);
	run("debugging, bufferevent_unlock without lock", 1, 2);
	printf("done\n");
	return 0;
}
