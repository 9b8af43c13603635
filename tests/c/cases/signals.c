/* signals: evsignal_new/add/del/pending/assign, delivery via raise() and
 * kill(), call counts (coalesced signals are delivered as repeated calls),
 * persistence, several events on one signal, event_del inside the callback,
 * loopbreak inside the callback, signal event timeouts, and restoration of
 * the previous disposition (checked with sigaction) on del and base free. */
#include <event2/event.h>
#include <event2/event_struct.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testcase.h"

static volatile sig_atomic_t my_handler_calls;
static void my_handler(int sig)
{
	(void)sig;
	my_handler_calls++;
}

/* Describe the current disposition of sig relative to what we installed. */
static const char *disp(int sig)
{
	struct sigaction sa;
	if (sigaction(sig, NULL, &sa) != 0)
		return "sigaction-failed";
	if (sa.sa_handler == SIG_DFL)
		return "SIG_DFL";
	if (sa.sa_handler == SIG_IGN)
		return "SIG_IGN";
	if (sa.sa_handler == my_handler)
		return (sa.sa_flags & SA_RESTART) ? "my_handler(SA_RESTART)" : "my_handler";
	return "other(libevent)";
}

static struct event_base *base;
static char order[128];
static void note(const char *s)
{
	strncat(order, s, sizeof(order) - strlen(order) - 1);
}

struct srec {
	const char *name;
	int calls;
	int bad_args;
	short last_what;
	int del_at;
	int break_at;
	struct event *self;
};

static void sig_cb(evutil_socket_t fd, short what, void *arg)
{
	struct srec *r = arg;
	r->calls++;
	r->last_what = what;
	if (fd != (evutil_socket_t)event_get_fd(r->self))
		r->bad_args++;
	note(r->name);
	if (r->del_at && r->calls == r->del_at)
		printf("  %s: event_del(self) in cb -> %d\n", r->name, event_del(r->self));
	if (r->break_at && r->calls == r->break_at)
		printf("  %s: loopbreak in cb -> %d\n", r->name, event_base_loopbreak(base));
}

static void show(struct srec *r)
{
	printf("%s: calls=%d what=0x%02x args_ok=%s\n", r->name, r->calls, r->last_what,
	    r->bad_args ? "no" : "yes");
}

static void reset(struct srec *r)
{
	r->calls = 0;
	r->last_what = 0;
	r->bad_args = 0;
	r->del_at = 0;
	r->break_at = 0;
}

int main(void)
{
	struct sigaction sa;
	struct srec u1 = {"U1", 0, 0, 0, 0, 0, NULL}, u1b = {"U1b", 0, 0, 0, 0, 0, NULL};
	struct srec u2 = {"U2", 0, 0, 0, 0, 0, NULL}, hup = {"HUP", 0, 0, 0, 0, 0, NULL};
	struct event *e1, *e1b, *e2, *eh;
	static struct event st;
	struct timeval tv100 = {0, 100000}, tv2s = {2, 0}, tv;
	int r, status;
	pid_t pid;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("signals", 15);

	/* Dispositions before libevent touches anything. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = my_handler;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR2, &sa, NULL);
	signal(SIGHUP, SIG_IGN);
	signal(SIGUSR1, SIG_DFL);
	printf("before: USR1=%s USR2=%s HUP=%s\n", disp(SIGUSR1), disp(SIGUSR2), disp(SIGHUP));

	base = event_base_new();
	printf("after event_base_new: USR1=%s USR2=%s HUP=%s\n", disp(SIGUSR1), disp(SIGUSR2), disp(SIGHUP));

	printf("== evsignal_new / add\n");
	e1 = evsignal_new(base, SIGUSR1, sig_cb, &u1);
	u1.self = e1;
	printf("evsignal_new: %s events=0x%02x fd_is_signo=%s\n", e1 ? "non-NULL" : "NULL",
	    event_get_events(e1), event_get_fd(e1) == SIGUSR1 ? "yes" : "no");
	printf("evsignal_pending before add: 0x%02x\n", evsignal_pending(e1, NULL));
	printf("after evsignal_new: USR1=%s\n", disp(SIGUSR1));
	r = evsignal_add(e1, NULL);
	printf("evsignal_add: %d USR1=%s\n", r, disp(SIGUSR1));
	printf("evsignal_pending: 0x%02x event_pending(all): 0x%02x\n", evsignal_pending(e1, NULL),
	    event_pending(e1, EV_READ | EV_WRITE | EV_SIGNAL | EV_TIMEOUT, NULL));

	printf("== raise() three times before the loop runs\n");
	raise(SIGUSR1);
	raise(SIGUSR1);
	raise(SIGUSR1);
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop(ONCE): %d ", r);
	show(&u1);
	printf("still pending (persistent): 0x%02x\n", evsignal_pending(e1, NULL));

	printf("== kill() from this process and from a child process\n");
	reset(&u1);
	kill(getpid(), SIGUSR1);
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop(ONCE) after kill(self): %d ", r);
	show(&u1);
	reset(&u1);
	pid = fork();
	if (pid == 0) {
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop(ONCE) after kill from child: %d ", r);
	show(&u1);
	waitpid(pid, &status, 0);

	printf("== two events on the same signal\n");
	reset(&u1);
	e1b = evsignal_new(base, SIGUSR1, sig_cb, &u1b);
	u1b.self = e1b;
	printf("add second: %d\n", evsignal_add(e1b, NULL));
	order[0] = 0;
	raise(SIGUSR1);
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop(ONCE): %d order=%s\n", r, order);
	r = evsignal_del(e1);
	printf("del first: %d USR1=%s\n", r, disp(SIGUSR1));
	order[0] = 0;
	raise(SIGUSR1);
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop(ONCE): %d order=%s\n", r, order);
	r = evsignal_del(e1b);
	printf("del second: %d USR1=%s\n", r, disp(SIGUSR1));
	r = evsignal_del(e1b);
	printf("del again: %d USR1=%s\n", r, disp(SIGUSR1));
	printf("loop on empty base: %d\n", event_base_loop(base, EVLOOP_NONBLOCK));

	printf("== previous custom handler and SIG_IGN are restored\n");
	e2 = event_new(base, SIGUSR2, EV_SIGNAL, sig_cb, &u2);  /* not persistent */
	u2.self = e2;
	eh = evsignal_new(base, SIGHUP, sig_cb, &hup);
	hup.self = eh;
	r = event_add(e2, NULL);
	printf("add USR2 (non-persistent): %d USR2=%s\n", r, disp(SIGUSR2));
	r = evsignal_add(eh, NULL);
	printf("add HUP: %d HUP=%s\n", r, disp(SIGHUP));
	my_handler_calls = 0;
	raise(SIGUSR2);
	raise(SIGUSR2);
	raise(SIGHUP);
	order[0] = 0;
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop(ONCE): %d my_handler_calls=%d\n", r, (int)my_handler_calls);
	show(&u2);
	show(&hup);
	printf("USR2 pending after non-persistent run: 0x%02x USR2=%s\n",
	    evsignal_pending(e2, NULL), disp(SIGUSR2));
	r = event_del(e2);
	printf("del USR2: %d USR2=%s\n", r, disp(SIGUSR2));
	raise(SIGUSR2);
	printf("raise USR2 after del: my_handler_calls=%d\n", (int)my_handler_calls);
	r = evsignal_del(eh);
	printf("del HUP: %d HUP=%s\n", r, disp(SIGHUP));

	printf("== event_del inside the callback stops the remaining calls\n");
	reset(&u1);
	u1.del_at = 1;
	evsignal_add(e1, NULL);
	raise(SIGUSR1);
	raise(SIGUSR1);
	raise(SIGUSR1);
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop(ONCE): %d ", r);
	show(&u1);
	printf("USR1=%s\n", disp(SIGUSR1));

	printf("== loopbreak inside the callback\n");
	reset(&u1);
	u1.break_at = 1;
	evsignal_add(e1, NULL);
	raise(SIGUSR1);
	raise(SIGUSR1);
	raise(SIGUSR1);
	/* bounded by the safety alarm; the callback breaks the loop */
	r = event_base_dispatch(base);
	printf("dispatch: %d got_break=%d ", r, event_base_got_break(base));
	show(&u1);
	u1.break_at = 0;
	event_base_loopexit(base, &tv100);
	r = event_base_dispatch(base);
	printf("next dispatch: %d ", r);
	show(&u1);
	evsignal_del(e1);

	printf("== signal event with a timeout\n");
	memset(&st, 0, sizeof(st));
	reset(&u2);
	r = evsignal_assign(&st, base, SIGUSR2, sig_cb, &u2);
	u2.self = &st;
	printf("evsignal_assign: %d events=0x%02x\n", r, event_get_events(&st));
	r = evsignal_add(&st, &tv100);
	printf("evsignal_add with timeout: %d pending(SIGNAL|TIMEOUT): 0x%02x\n", r,
	    event_pending(&st, EV_SIGNAL | EV_TIMEOUT, NULL));
	r = evsignal_pending(&st, &tv);
	printf("evsignal_pending with tv: 0x%02x\n", r);
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop(ONCE): %d ", r);
	show(&u2);
	/* the timeout deleted the whole event (signal closures are not
	 * re-armed like persistent I/O events), so the handler is back */
	printf("after timeout: pending 0x%02x USR2=%s\n",
	    event_pending(&st, EV_SIGNAL | EV_TIMEOUT, NULL), disp(SIGUSR2));
	r = evsignal_add(&st, NULL);
	printf("re-add without timeout: %d USR2=%s\n", r, disp(SIGUSR2));
	raise(SIGUSR2);
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop(ONCE) after raise: %d ", r);
	show(&u2);
	r = evsignal_del(&st);
	printf("del: %d USR2=%s\n", r, disp(SIGUSR2));

	printf("== SIGCHLD from a child that exits\n");
	{
		struct srec chld = {"CHLD", 0, 0, 0, 0, 0, NULL};
		struct event *ec = evsignal_new(base, SIGCHLD, sig_cb, &chld);
		int st2 = 0;
		chld.self = ec;
		evsignal_add(ec, NULL);
		pid = fork();
		if (pid == 0)
			_exit(5);
		while (chld.calls == 0 && event_base_loop(base, EVLOOP_ONCE) == 0)
			;
		r = waitpid(pid, &st2, 0);
		printf("CHLD: calls=%d what=0x%02x reaped: %s exit status %d\n", chld.calls, chld.last_what,
		    r == pid ? "yes" : "no", WIFEXITED(st2) ? WEXITSTATUS(st2) : -1);
		evsignal_del(ec);
		printf("CHLD disposition after del: %s\n", disp(SIGCHLD));
		event_free(ec);
	}

	printf("== event_base_free restores dispositions of still-added events\n");
	evsignal_add(e1, NULL);
	evsignal_add(&st, &tv2s);
	printf("added: USR1=%s USR2=%s\n", disp(SIGUSR1), disp(SIGUSR2));
	event_base_free(base);
	printf("after event_base_free: USR1=%s USR2=%s HUP=%s\n", disp(SIGUSR1), disp(SIGUSR2), disp(SIGHUP));
	my_handler_calls = 0;
	raise(SIGUSR2);
	printf("raise USR2 after free: my_handler_calls=%d\n", (int)my_handler_calls);
	/* events belonged to the freed base; don't touch them again */
	printf("done\n");
	return 0;
}
