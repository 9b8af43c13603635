/*
 * stats.c - `goevent run --stats`: with GOEVENT_STATS set when the library
 * loads, prints at exit what the loops did (the core's counters, summed over
 * every base: reactor/stats.go). GOEVENT_STATS=1 or "stderr" writes to
 * stderr; any other value is a file the report is appended to.
 *
 * Nothing is printed by a process in which the core never started (a child
 * that only execs, a program that never ran a loop): there is nothing to count.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capi.h"

static const char *stats_dest;

static void stats_print(void)
{
	struct gev_stats st;
	FILE *f;
	int own = 0;

	/* A forked child that never started its own core has only the parent's
	 * dead one: nothing to ask. */
	if (!gev_core_usable)
		return;
	memset(&st, 0, sizeof st);
	if (!gev_ops.stats_get(&st))
		return; /* another copy of the C layer printed them */
	if (!strcmp(stats_dest, "1") || !strcmp(stats_dest, "stderr")) {
		f = stderr;
	} else if ((f = fopen(stats_dest, "a")) != NULL) {
		own = 1;
	} else {
		return;
	}
	fprintf(f, "goevent stats (pid %ld):\n", (long)getpid());
	fprintf(f, "  bases:             %llu\n", (unsigned long long)st.bases);
	fprintf(f, "  loop iterations:   %llu\n", (unsigned long long)st.loops);
	fprintf(f, "  callbacks run:     %llu\n", (unsigned long long)st.callbacks);
	fprintf(f, "  events by kind:    read %llu, write %llu, timeout %llu, signal %llu, other %llu\n",
	    (unsigned long long)st.read, (unsigned long long)st.write, (unsigned long long)st.timeout,
	    (unsigned long long)st.signal, (unsigned long long)st.other);
	fprintf(f, "  finalizers run:    %llu\n", (unsigned long long)st.finalizers);
	fprintf(f, "  bufferevent bytes: read %llu, written %llu\n",
	    (unsigned long long)st.bev_read, (unsigned long long)st.bev_written);
	fprintf(f, "  longest callback:  %.3f ms\n", st.max_cb_ns / 1e6);
	fprintf(f, "  blocked in backend: %.3f s\n", st.blocked_ns / 1e9);
	if (own)
		fclose(f);
	else
		fflush(f);
}

__attribute__((constructor)) static void gev_stats_init(void)
{
	const char *v = getenv("GOEVENT_STATS");
	if (v && *v) {
		stats_dest = strdup(v);
		if (stats_dest)
			atexit(stats_print);
	}
}
