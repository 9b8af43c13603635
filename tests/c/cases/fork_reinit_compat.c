/* fork_reinit_compat: the tmux pattern with the old API. EVENT_NOEPOLL is set
 * with setenv() before event_init() (tmux needs the poll backend); the parent
 * adds SIGUSR1 and SIGUSR2 events with signal_set/signal_add, then forks
 * without having dispatched. The child calls signal_del on SIGUSR1 (its
 * previous disposition must be back), event_reinit(base), sets up its own
 * SIGUSR1 event again and runs event_dispatch() with signals raised in itself
 * and a timer (the SIGUSR2 event stays added across the reinit). The parent
 * runs event_dispatch() with its own signals and timer. */
/* timeout: 40 */
#include <event.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static int report_fd = -1;
static void report(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	if (report_fd >= 0) {
		if (write(report_fd, buf, (size_t)n) < 0) { /* parent gone */ }
	} else {
		fwrite(buf, 1, (size_t)n, stdout);
	}
}

static void child_safety(int sig)
{
	(void)sig;
	report("child: safety alarm fired (hung)");
	_exit(3);
}

static double now(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return tv.tv_sec + tv.tv_usec / 1e6;
}

static void my_handler(int sig) { (void)sig; }

static const char *disp(int sig)
{
	struct sigaction sa;
	if (sigaction(sig, NULL, &sa) != 0)
		return "?";
	if (sa.sa_handler == SIG_DFL) return "SIG_DFL";
	if (sa.sa_handler == SIG_IGN) return "SIG_IGN";
	if (sa.sa_handler == my_handler) return "my_handler";
	return "libevent";
}

static struct event_base *base;
static struct event ev_u1, ev_u2, ev_timer, ev_child_u1;
static int n_usr1, n_usr2, n_child_usr1, timer_fired;

static void sig_cb(int fd, short what, void *arg)
{
	(void)what; (void)arg;
	if (fd == SIGUSR1) n_usr1++;
	if (fd == SIGUSR2) n_usr2++;
}

static void child_sig_cb(int fd, short what, void *arg)
{
	(void)what; (void)arg;
	if (fd == SIGUSR1) n_child_usr1++;
}

static void timer_cb(int fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	timer_fired++;
	event_loopexit(NULL);
}

int main(void)
{
	struct timeval tv150 = {0, 150000};
	int rp[2], r, status, exited = 0;
	pid_t pid;
	char buf[8192];
	size_t len = 0;
	double deadline;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGUSR2, my_handler);
	setenv("EVENT_NOEPOLL", "1", 1);

	base = event_init();
	printf("parent: event_init %s method %s\n", base ? "ok" : "FAILED", event_get_method());
	signal_set(&ev_u1, SIGUSR1, sig_cb, NULL);
	signal_set(&ev_u2, SIGUSR2, sig_cb, NULL);
	printf("parent: before adds USR1=%s USR2=%s\n", disp(SIGUSR1), disp(SIGUSR2));
	r = signal_add(&ev_u1, NULL);
	printf("parent: signal_add usr1 %d", r);
	r = signal_add(&ev_u2, NULL);
	printf(" usr2 %d; USR1=%s USR2=%s\n", r, disp(SIGUSR1), disp(SIGUSR2));
	if (pipe(rp) != 0)
		return 1;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(rp[0]);
		report_fd = rp[1];
		signal(SIGALRM, child_safety);
		alarm(15);
		r = signal_del(&ev_u1);
		report("child: signal_del usr1 before reinit -> %d USR1=%s", r, disp(SIGUSR1));
		r = event_reinit(base);
		report("child: event_reinit -> %d", r);
		report("child: pending after reinit: usr1=0x%02x usr2=0x%02x USR1=%s USR2=%s",
		    signal_pending(&ev_u1, NULL), signal_pending(&ev_u2, NULL), disp(SIGUSR1), disp(SIGUSR2));
		signal_set(&ev_child_u1, SIGUSR1, child_sig_cb, NULL);
		r = signal_add(&ev_child_u1, NULL);
		report("child: signal_add own usr1 -> %d USR1=%s", r, disp(SIGUSR1));
		raise(SIGUSR1);
		raise(SIGUSR2);
		raise(SIGUSR2);
		evtimer_set(&ev_timer, timer_cb, NULL);
		evtimer_add(&ev_timer, &tv150);
		r = event_dispatch();
		report("child: event_dispatch -> %d old usr1 cb=%d own usr1 cb=%d usr2=%d timer=%d", r, n_usr1,
		    n_child_usr1, n_usr2, timer_fired);
		r = signal_del(&ev_child_u1);
		report("child: signal_del own usr1 -> %d USR1=%s", r, disp(SIGUSR1));
		r = signal_del(&ev_u2);
		report("child: signal_del usr2 -> %d USR2=%s", r, disp(SIGUSR2));
		report("child: finished");
		_exit(0);
	}
	close(rp[1]);

	raise(SIGUSR1);
	raise(SIGUSR1);
	raise(SIGUSR1);
	raise(SIGUSR2);
	evtimer_set(&ev_timer, timer_cb, NULL);
	evtimer_add(&ev_timer, &tv150);
	r = event_dispatch();
	printf("parent: event_dispatch -> %d usr1=%d usr2=%d timer=%d\n", r, n_usr1, n_usr2, timer_fired);

	deadline = now() + 20;
	while (now() < deadline) {
		struct pollfd pfd = {rp[0], POLLIN, 0};
		if (poll(&pfd, 1, 100) > 0) {
			ssize_t n = read(rp[0], buf + len, sizeof(buf) - 1 - len);
			if (n > 0) {
				len += (size_t)n;
				continue;
			}
		}
		if (waitpid(pid, &status, WNOHANG) == pid) {
			exited = 1;
			break;
		}
	}
	if (!exited) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	while (len < sizeof(buf) - 1) {
		ssize_t n = read(rp[0], buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = 0;
	fputs(buf, stdout);
	printf("parent: child exited by itself: %s, status %d\n", exited ? "yes" : "no",
	    exited && WIFEXITED(status) ? WEXITSTATUS(status) : -1);

	r = signal_del(&ev_u1);
	printf("parent: signal_del usr1 -> %d USR1=%s\n", r, disp(SIGUSR1));
	r = signal_del(&ev_u2);
	printf("parent: signal_del usr2 -> %d USR2=%s\n", r, disp(SIGUSR2));
	event_base_free(base);
	printf("done\n");
	return 0;
}
