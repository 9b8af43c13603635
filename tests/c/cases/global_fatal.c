/* global_fatal: event_set_fatal_callback. event_init() that cannot make a
 * base is fatal in libevent: it logs at EVENT_LOG_ERR, calls the fatal
 * callback with 1 and, if that returns, exits with 1; without a callback it
 * exits with 1. Each scenario runs in a child process (forked before any
 * base exists) and the parent reports how it ended. */
#include <event2/event.h>
#include <event2/event_compat.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testcase.h"

static int pipefd = -1;
static void say(const char *s)
{
	if (write(pipefd, s, strlen(s)) < 0) { /* nothing */ }
}

static void logcb(int severity, const char *msg)
{
	char buf[32];
	(void)msg;
	snprintf(buf, sizeof buf, "log severity %d;", severity);
	say(buf);
}

static void fatal_exits(int err)
{
	char buf[32];
	snprintf(buf, sizeof buf, "fatal cb err=%d;", err);
	say(buf);
	_exit(42);
}

static void fatal_returns(int err)
{
	char buf[32];
	snprintf(buf, sizeof buf, "fatal cb err=%d returns;", err);
	say(buf);
}

static void disable_all(void)
{
	setenv("EVENT_NOEPOLL", "1", 1);
	setenv("EVENT_NOPOLL", "1", 1);
	setenv("EVENT_NOSELECT", "1", 1);
}

/* scenario: 0 no callbacks (stderr), 1 log cb only, 2 fatal cb that exits,
 * 3 fatal cb that returns, 4 event_base_new (not fatal), 5 fatal cb set then
 * cleared. */
static void child(int scenario)
{
	struct event_base *b;
	if (scenario == 0) {
		/* Default logging goes to stderr: send it down the pipe. */
		dup2(pipefd, 2);
	} else {
		event_set_log_callback(logcb);
	}
	if (scenario == 2)
		event_set_fatal_callback(fatal_exits);
	if (scenario == 3)
		event_set_fatal_callback(fatal_returns);
	if (scenario == 5) {
		event_set_fatal_callback(fatal_exits);
		event_set_fatal_callback(NULL);
	}
	disable_all();
	if (scenario == 4) {
		b = event_base_new();
		say(b ? "event_base_new: base;" : "event_base_new: NULL;");
		_exit(0);
	}
	b = event_init();
	say(b ? "event_init returned a base;" : "event_init returned NULL;");
	_exit(0);
}

int main(void)
{
	static const char *names[] = {
		"no callbacks", "log callback only", "fatal callback exits 42",
		"fatal callback returns", "event_base_new", "fatal callback cleared",
	};
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("global_fatal", 15);

	for (i = 0; i < 6; i++) {
		int p[2], status;
		char buf[512];
		ssize_t n, len = 0;
		pid_t pid;
		if (pipe(p) != 0)
			return 1;
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			close(p[0]);
			pipefd = p[1];
			child(i);
		}
		close(p[1]);
		while ((n = read(p[0], buf + len, sizeof(buf) - 1 - len)) > 0)
			len += n;
		buf[len] = 0;
		close(p[0]);
		waitpid(pid, &status, 0);
		/* stderr text: only the "[severity]" prefix of each line. */
		if (i == 0) {
			char *line = buf, *nl;
			printf("%s: stderr lines:", names[i]);
			for (; *line; line = nl + 1) {
				char *end = strchr(line, ']');
				nl = strchr(line, '\n');
				if (!nl)
					break;
				if (end && end < nl)
					printf(" %.*s", (int)(end - line + 1), line);
				else
					printf(" (no prefix)");
			}
			printf(";");
		} else {
			printf("%s: %s", names[i], buf);
		}
		if (WIFEXITED(status))
			printf(" exit %d\n", WEXITSTATUS(status));
		else
			printf(" signal %d\n", WTERMSIG(status));
	}
	printf("done\n");
	return 0;
}
