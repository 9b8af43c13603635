/*
 * spawn.c - times whole processes (no libevent; the programs it starts pick
 * their library through the environment, e.g. LD_LIBRARY_PATH).
 *
 *   spawn run NAME N CMD [ARGS...]
 *       starts CMD N times, one after another (posix_spawn + waitpid, stdout
 *       and stdin on /dev/null), after 5 untimed runs; every run must exit 0.
 *       Mean wall time per process, from spawn to reaped.
 *       RESULT name=NAME value=mean_ms unit=ms median_ms=... n=...
 *
 *   spawn exit NAME N CMD [ARGS...]
 *       starts CMD N times (after 3 untimed runs); CMD prints a line
 *       "LAST <CLOCK_MONOTONIC ns>" from its last callback and then exits.
 *       Time from that stamp to waitpid() returning, median of N.
 *       RESULT name=NAME value=median_ms unit=ms mean_ms=... n=...
 *
 *   spawn tmuxexit NAME N TMUX SOCKET
 *       N times (after 2 untimed ones): starts a tmux server on SOCKET.<i>
 *       (`TMUX -S SOCKET -f /dev/null new-session -d "sleep 600"`), asks it
 *       for its pid (`display -p '#{pid}'`), then sends it SIGTERM (what
 *       `tmux kill-server` does) and times until the process has exited
 *       (pidfd_open + poll: the server is not our child).  Median of N.
 *       RESULT name=NAME value=median_ms unit=ms mean_ms=... n=...
 *
 * Each child is bounded: killed (and spawn fails) after CHILD_LIMIT seconds.
 */
#include "bench.h"

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>

extern char **environ;

#define CHILD_LIMIT 10 /* seconds */

static volatile pid_t current;   /* the running child, killed on timeout */

static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "spawn: a child ran too long (killed)\n";
	if (current > 0)
		kill(current, SIGKILL);
	if (write(2, msg, sizeof msg - 1) < 0)
		_exit(3);
	_exit(3);
}

static pid_t start(char **cmd, int outfd)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (outfd >= 0)
		posix_spawn_file_actions_adddup2(&fa, outfd, 1);
	else
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	int rc = posix_spawnp(&pid, cmd[0], &fa, NULL, cmd, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		failf("cannot start %s: %s", cmd[0], strerror(rc));
	current = pid;
	alarm(CHILD_LIMIT);
	return pid;
}

static void check_status(int status, const char *what)
{
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		failf("%s: child failed (status 0x%x)", what, status);
}

static int run_main(const char *name, int n, char **cmd)
{
	double *t = calloc((size_t)n, sizeof *t), sum = 0;
	if (!t)
		failf("out of memory");
	for (int i = 0; i < 5 + n; i++) {
		double t0 = now_sec();
		pid_t pid = start(cmd, -1);
		int status;
		if (waitpid(pid, &status, 0) != pid)
			failf("waitpid: %s", strerror(errno));
		alarm(0);
		double el = now_sec() - t0;
		check_status(status, cmd[0]);
		if (i >= 5) {
			t[i - 5] = el;
			sum += el;
		}
	}
	double mean = sum / n;
	printf("RESULT name=%s value=%.3f unit=ms median_ms=%.3f n=%d\n", name, mean * 1e3,
	    median_of(t, n) * 1e3, n);
	free(t);
	return 0;
}

static int exit_main(const char *name, int n, char **cmd)
{
	double *t = calloc((size_t)n, sizeof *t), sum = 0;
	if (!t)
		failf("out of memory");
	for (int i = 0; i < 3 + n; i++) {
		int p[2];
		if (pipe(p) < 0)
			failf("pipe: %s", strerror(errno));
		pid_t pid = start(cmd, p[1]);
		close(p[1]);
		char line[128];
		size_t got = 0;
		while (got < sizeof line - 1 && !memchr(line, '\n', got)) {
			struct pollfd pf = { p[0], POLLIN, 0 };
			if (poll(&pf, 1, CHILD_LIMIT * 1000) <= 0)
				break;
			ssize_t r = read(p[0], line + got, sizeof line - 1 - got);
			if (r <= 0)
				break;
			got += (size_t)r;
		}
		line[got] = 0;
		int status;
		if (waitpid(pid, &status, 0) != pid)
			failf("waitpid: %s", strerror(errno));
		alarm(0);
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		close(p[0]);
		check_status(status, cmd[0]);
		long long stamp;
		if (sscanf(line, "LAST %lld", &stamp) != 1)
			failf("%s printed no LAST line", cmd[0]);
		double el = ((long long)ts.tv_sec * 1000000000LL + ts.tv_nsec - stamp) / 1e9;
		if (i >= 3) {
			t[i - 3] = el;
			sum += el;
		}
	}
	double mean = sum / n;
	printf("RESULT name=%s value=%.3f unit=ms mean_ms=%.3f n=%d\n", name,
	    median_of(t, n) * 1e3, mean * 1e3, n);
	free(t);
	return 0;
}

/* Runs cmd to completion; its stdout goes to outfd (or /dev/null). */
static void run_to_end(char **cmd, int outfd)
{
	int status;
	pid_t pid = start(cmd, outfd);
	if (waitpid(pid, &status, 0) != pid)
		failf("waitpid: %s", strerror(errno));
	alarm(0);
	check_status(status, cmd[0]);
}

static int tmuxexit_main(const char *name, int n, char *tmux, const char *sockbase)
{
	char sock[4096];
	char *new_cmd[] = { tmux, "-S", sock, "-f", "/dev/null", "new-session", "-d", "sleep 600", NULL };
	char *pid_cmd[] = { tmux, "-S", sock, "display", "-p", "#{pid}", NULL };
	double *t = calloc((size_t)n, sizeof *t), sum = 0;
	if (!t)
		failf("out of memory");
	for (int i = 0; i < 2 + n; i++) {
		/* a fresh socket each time: no server ever meets its predecessor's */
		snprintf(sock, sizeof sock, "%s.%d", sockbase, i);
		run_to_end(new_cmd, -1);
		int p[2];
		if (pipe(p) < 0)
			failf("pipe: %s", strerror(errno));
		run_to_end(pid_cmd, p[1]);
		close(p[1]);
		char line[64];
		ssize_t got = read(p[0], line, sizeof line - 1);
		close(p[0]);
		int pid = got > 0 ? (line[got] = 0, atoi(line)) : 0;
		if (pid <= 1)
			failf("tmux did not tell its server's pid");
		int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
		if (pfd < 0)
			failf("pidfd_open: %s", strerror(errno));
		double t0 = now_sec();
		if (kill(pid, SIGTERM) < 0)
			failf("kill: %s", strerror(errno));
		struct pollfd pf = { pfd, POLLIN, 0 };
		if (poll(&pf, 1, CHILD_LIMIT * 1000) != 1) {
			kill(pid, SIGKILL);
			failf("the tmux server did not exit within %d s (killed)", CHILD_LIMIT);
		}
		double el = now_sec() - t0;
		close(pfd);
		if (i >= 2) {
			t[i - 2] = el;
			sum += el;
		}
	}
	printf("RESULT name=%s value=%.3f unit=ms mean_ms=%.3f n=%d\n", name,
	    median_of(t, n) * 1e3, sum / n * 1e3, n);
	free(t);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGALRM, on_alarm);
	if (argc >= 5 && atoi(argv[3]) > 0) {
		if (!strcmp(argv[1], "run"))
			return run_main(argv[2], atoi(argv[3]), argv + 4);
		if (!strcmp(argv[1], "exit"))
			return exit_main(argv[2], atoi(argv[3]), argv + 4);
		if (!strcmp(argv[1], "tmuxexit") && argc == 6)
			return tmuxexit_main(argv[2], atoi(argv[3]), argv[4], argv[5]);
	}
	fprintf(stderr, "usage: spawn run|exit NAME N CMD [ARGS...]\n       spawn tmuxexit NAME N TMUX SOCKET\n");
	return 2;
}
