/* debugmode.h — helpers shared by the cases about libevent's debug mode
 * (cases/debug_mode*): each scenario runs in a forked child that turns debug
 * mode on itself, so that a fatal check (event_errx: the fatal callback
 * prints its code) ends that scenario only.
 *
 * Same rules as testcase.h: `static inline`, only public APIs (libevent's
 * and libc), names start with tc_. */
#ifndef GOEVENT_TESTS_C_DEBUGMODE_H
#define GOEVENT_TESTS_C_DEBUGMODE_H

#include <event2/event.h>
#include <stdio.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* The log callback of a scenario: the severity only (texts differ). */
static inline void tc_dm_log_cb(int severity, const char *msg)
{
	(void)msg;
	printf("    log severity %d\n", severity);
}

/* The fatal callback of a scenario: prints the code and ends the child. */
static inline void tc_dm_fatal_cb(int err)
{
	printf("    fatal callback: code 0x%x\n", (unsigned)err);
	fflush(stdout);
	_exit(0);
}

/* Prints name, then runs setup() and fn() in a forked child: "returned
 * normally" if fn returns, "child ended abnormally" if the child crashed or
 * was killed. */
static inline void tc_dm_fork(const char *name, void (*setup)(void), void (*fn)(void))
{
	printf("%s:\n", name);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		setup();
		fn();
		printf("    returned normally\n");
		fflush(stdout);
		_exit(0);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		printf("    child ended abnormally\n");
}

/* A scenario's child: at most 10 s, those callbacks, debug mode on. */
static inline void tc_dm_debug_setup(void)
{
	alarm(10);
	event_set_log_callback(tc_dm_log_cb);
	event_set_fatal_callback(tc_dm_fatal_cb);
	event_enable_debug_mode();
}

/* fn in a child with debug mode on (tc_dm_debug_setup). */
static inline void tc_dm_scenario(const char *name, void (*fn)(void))
{
	tc_dm_fork(name, tc_dm_debug_setup, fn);
}

#endif /* GOEVENT_TESTS_C_DEBUGMODE_H */
