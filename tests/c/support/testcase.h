/* testcase.h — helpers shared by the C test programs in tests/c/cases and
 * tests/c/ours (run.sh puts this folder on the include path).
 *
 * Every function is `static inline` so that a case stays one program built by
 * one cc call, and a case that uses only some of them still compiles under
 * -Wall -Werror. The cases are compiled against the real libevent as well as
 * against goevent, so this header uses only libevent's public API and libc.
 *
 * Names start with tc_ so that they never clash with a case's own. */
#ifndef GOEVENT_TESTS_C_TESTCASE_H
#define GOEVENT_TESTS_C_TESTCASE_H

#include <event2/event.h>
#include <event2/util.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* ---- the safety alarm: a hung case ends itself (exit 3) ---------------- */

static const char *tc_case_name_ = "case";

static inline void tc_alarm_fired_(int sig)
{
	static const char tail[] = ": safety alarm fired (hung)\n";
	(void)sig;
	/* write(2) only: this runs in a signal handler */
	if (write(2, tc_case_name_, strlen(tc_case_name_)) < 0 ||
	    write(2, tail, sizeof(tail) - 1) < 0) { /* nothing more to do */ }
	_exit(3);
}

/* Ends the process with exit status 3 and a line on stderr naming the case
 * if it is still running `seconds` from now. Call it again (e.g. in a forked
 * child) to re-arm it; name must stay valid for the life of the process. */
static inline void tc_alarm(const char *name, unsigned seconds)
{
	tc_case_name_ = name;
	signal(SIGALRM, tc_alarm_fired_);
	alarm(seconds);
}

/* ---- time and small formatting --------------------------------------- */

/* Wall-clock seconds: the clock of the deadlines event_pending reports and
 * of event_base_gettimeofday_cached, so comparable with them. */
static inline double tc_now(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return tv.tv_sec + tv.tv_usec / 1e6;
}

/* Monotonic seconds, for elapsed times that must not move when the wall
 * clock is set. */
static inline double tc_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline const char *tc_yesno(int b) { return b ? "yes" : "no"; }

/* 1 if fd is an open descriptor of this process. */
static inline int tc_fd_open(int fd) { return fcntl(fd, F_GETFD) != -1; }

/* The process's resident set size in bytes (/proc/self/statm), 0 if unknown. */
static inline long tc_rss_bytes(void)
{
	long size = 0, res = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (!f)
		return 0;
	if (fscanf(f, "%ld %ld", &size, &res) != 2)
		res = 0;
	fclose(f);
	return res * sysconf(_SC_PAGESIZE);
}

/* The BEV_EVENT_* bits of a bufferevent event callback as "READING|EOF".
 * The bit values are libevent's (event2/bufferevent.h); they are spelled out
 * here so that cases without bufferevents need not include that header.
 * Returns a static buffer, valid until the next call. */
static inline const char *tc_bev_what(short what)
{
	static const struct { short bit; const char *name; } bits[] = {
		{0x01, "READING"}, {0x02, "WRITING"}, {0x10, "EOF"},
		{0x20, "ERROR"}, {0x40, "TIMEOUT"}, {0x80, "CONNECTED"},
	};
	static char s[128];
	size_t i;
	s[0] = 0;
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		if (what & bits[i].bit) {
			if (s[0])
				strcat(s, "|");
			strcat(s, bits[i].name);
		}
	}
	return s;
}

/* *ts becomes the CLOCK_REALTIME time ms milliseconds from now: the
 * absolute deadline pthread_cond_timedwait takes. */
static inline void tc_deadline(struct timespec *ts, int ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* sig's current disposition: "SIG_DFL", "SIG_IGN", "my_handler" when it is
 * mine (the case's own handler), else "libevent" ("?" if unreadable). */
static inline const char *tc_sig_disposition(int sig, void (*mine)(int))
{
	struct sigaction sa;
	if (sigaction(sig, NULL, &sa) != 0)
		return "?";
	if (sa.sa_handler == SIG_DFL)
		return "SIG_DFL";
	if (sa.sa_handler == SIG_IGN)
		return "SIG_IGN";
	if (sa.sa_handler == mine)
		return "my_handler";
	return "libevent";
}

/* ---- debug-mode runs (run.sh --debug-mode) ------------------------------ */

/* Defined by support/debug_mode_on.c, which run.sh --debug-mode links into
 * every case; absent (weak, NULL) otherwise. */
extern const int tc_debug_mode_on_ __attribute__((weak));

/* 1 when the case runs in libevent's debug mode turned on by run.sh. A case
 * leaves out, in that run, a part that debug mode rejects on purpose (a
 * blocking fd handed to libevent, lock callbacks set after a base was made)
 * and prints that it did; that transcript is then expected/NAME.debug.out. */
static inline int tc_debug_mode(void) { return &tc_debug_mode_on_ != NULL; }

/* ---- log capture -------------------------------------------------------- */

/* What tc_log_capture's callback has seen since the last tc_log_reset. */
struct tc_log {
	int n;                 /* messages */
	int by_severity[4];    /* messages per EVENT_LOG_DEBUG..EVENT_LOG_ERR */
	int last_severity;     /* severity of the last message, -1 before any */
	char last[256];        /* the last message, truncated */
};
static struct tc_log tc_log_;

static inline void tc_log_reset(void)
{
	memset(&tc_log_, 0, sizeof(tc_log_));
	tc_log_.last_severity = -1;
}

static inline void tc_log_cb_(int severity, const char *msg)
{
	tc_log_.n++;
	if (severity >= 0 && severity < 4)
		tc_log_.by_severity[severity]++;
	tc_log_.last_severity = severity;
	snprintf(tc_log_.last, sizeof(tc_log_.last), "%s", msg ? msg : "(null)");
}

/* Routes libevent's log messages into tc_log_ (and nowhere else). */
static inline void tc_log_capture(void)
{
	tc_log_reset();
	event_set_log_callback(tc_log_cb_);
}

/* ---- reporting from forked children ---------------------------------- */

/* Where tc_report writes: stdout (-1) or a pipe to the parent, which prints
 * the child's lines itself so that they keep their place in the transcript. */
static int tc_report_fd_ = -1;

static inline void tc_report_to(int fd) { tc_report_fd_ = fd; }

/* printf-like; adds the newline. One write(2) per line, so lines from a
 * parent and a child never interleave mid-line. */
static inline void tc_report(const char *fmt, ...)
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
	if (tc_report_fd_ >= 0) {
		if (write(tc_report_fd_, buf, (size_t)n) < 0) { /* parent gone */ }
	} else {
		fwrite(buf, 1, (size_t)n, stdout);
	}
}

/* ---- loopback sockets (127.0.0.1, port 0: never a fixed port) ---------- */

/* A listening TCP socket on 127.0.0.1 with a kernel-chosen port; its address
 * is stored in *sin. Returns the fd, or -1 with errno set. */
static inline int tc_listen_loopback(struct sockaddr_in *sin, int backlog)
{
	socklen_t len = sizeof(*sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(0x7f000001);
	if (bind(fd, (struct sockaddr *)sin, sizeof(*sin)) != 0 || listen(fd, backlog) != 0 ||
	    getsockname(fd, (struct sockaddr *)sin, &len) != 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* A connected pair of TCP sockets over loopback, both blocking:
 * fds[0] connected, fds[1] accepted. Returns 0, or -1 (nothing left open). */
static inline int tc_tcp_pair(int fds[2])
{
	struct sockaddr_in sin;
	int l = tc_listen_loopback(&sin, 4);
	if (l < 0)
		return -1;
	fds[0] = socket(AF_INET, SOCK_STREAM, 0);
	if (fds[0] < 0 || connect(fds[0], (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		if (fds[0] >= 0)
			close(fds[0]);
		close(l);
		return -1;
	}
	fds[1] = accept(l, NULL, NULL);
	close(l);
	if (fds[1] < 0) {
		close(fds[0]);
		return -1;
	}
	return 0;
}

/* ---- self-checking programs (tests/c/ours): one line per check --------- */

/* Checks that count failures into tc_failures and print "ok   WHAT" or
 * "FAIL WHAT ..."; main ends with `return tc_exit_status();`. */
static int tc_failures;

/* 0 if every check passed, 1 otherwise. */
static inline int tc_exit_status(void) { return tc_failures ? 1 : 0; }

/* Records one check: prints "ok   WHAT", or "FAIL WHAT" followed by ": " and
 * why (printf-like; NULL for nothing more) and counts the failure. */
static inline void tc_result(const char *what, int ok, const char *why, ...)
{
	va_list ap;
	if (ok) {
		printf("ok   %s\n", what);
		return;
	}
	tc_failures++;
	printf("FAIL %s", what);
	if (why) {
		printf(": ");
		va_start(ap, why);
		vprintf(why, ap);
		va_end(ap);
	}
	printf("\n");
}

#define TC_CHECK(what, cond) tc_result((what), (cond) ? 1 : 0, NULL)

/* got must equal want, and the call must have logged at least one warning. */
#define TC_EXPECT_WARN(what, got, want)                                        \
	do {                                                                   \
		int before_ = tc_log_.n;                                       \
		long got_ = (long)(got);                                       \
		int logged_ = tc_log_.n - before_;                             \
		tc_result((what), got_ == (long)(want) && logged_ >= 1 &&      \
		    tc_log_.last_severity == EVENT_LOG_WARN,                   \
		    "got %ld want %ld, %d warnings logged", got_, (long)(want), logged_); \
	} while (0)

/* stmt must log at least one message. */
#define TC_EXPECT_LOGGED(what, stmt)                                           \
	do {                                                                   \
		int before_ = tc_log_.n;                                       \
		stmt;                                                          \
		tc_result((what), tc_log_.n - before_ >= 1, "nothing logged"); \
	} while (0)

#endif /* GOEVENT_TESTS_C_TESTCASE_H */
