/*
 * bench.h - small helpers shared by the benchmark programs (no libevent).
 *
 * Every new program prints one line
 *     RESULT name=NAME value=V unit=U [key=value ...]
 * which bench/run.sh reads (the "value" field).
 */
#ifndef GOEVENT_BENCH_H
#define GOEVENT_BENCH_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static inline double now_sec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline void failf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "bench: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

/* Resident set size of this process in bytes (from /proc/self/statm). */
static inline long rss_bytes(void)
{
	long size = 0, res = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (!f)
		failf("cannot open /proc/self/statm: %s", strerror(errno));
	if (fscanf(f, "%ld %ld", &size, &res) != 2)
		failf("cannot parse /proc/self/statm");
	fclose(f);
	return res * sysconf(_SC_PAGESIZE);
}

/* CPU time of this process (all threads: the Go runtime's too), in seconds,
 * with ns resolution.  The timed parts of the one-process benchmarks use it
 * instead of wall time: on a shared machine it does not grow while other
 * processes hold the CPU, and on an idle one it equals the wall time of a
 * loop that never blocks. */
static inline double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU time (user + system, all threads) of this process in seconds. */
static inline double cpu_sec(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* Raises the open-file limit to at least want (up to the hard limit). */
static inline void want_fds(long want)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return;
	if ((long)rl.rlim_cur >= want)
		return;
	rl.rlim_cur = (rl.rlim_max == RLIM_INFINITY || (long)rl.rlim_max > want) ? (rlim_t)want : rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	getrlimit(RLIMIT_NOFILE, &rl);
	if ((long)rl.rlim_cur < want)
		failf("RLIMIT_NOFILE is %ld, need %ld (raise the hard limit)", (long)rl.rlim_cur, want);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static inline double median_of(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#endif
