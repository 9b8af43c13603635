/* timeout: 25 */
/* ratelim_transfer: rate limits on real transfers over socketpairs.
 * 1) a sender limited to 100 KiB/s (10 KiB per 100 ms tick) writes 300 KiB:
 *    about 2.9 s (the bucket starts with one tick's worth);
 * 2) ten receivers in a group limited to 100 KiB/s together each receive
 *    20 KiB: about 1.9 s in all, and the budget is shared (every member is
 *    served along the way, none finishes far ahead of the others);
 * 3) a receiver limited to 100 KiB/s reads 100 KiB: about 0.9 s;
 * the group's totals count the bytes. Prints booleans, not timings. */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "testcase.h"

#define NM 10
#define EACH (20 * 1024)

static struct event_base *base;
static size_t got[NM + 1];
static double done_at[NM + 1];
static size_t want[NM + 1];
static int remaining;
static double t0;
static size_t at_half[NM];
static int verbose;

static void readcb(struct bufferevent *b, void *arg)
{
	int i = (int)(long)arg;
	struct evbuffer *in = bufferevent_get_input(b);
	got[i] += evbuffer_get_length(in);
	evbuffer_drain(in, evbuffer_get_length(in));
	if (got[i] >= want[i] && done_at[i] == 0) {
		done_at[i] = tc_mono() - t0;
		if (--remaining == 0)
			event_base_loopbreak(base);
	}
}

static void snapshot(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	for (int i = 0; i < NM; i++)
		at_half[i] = got[i];
}

int main(void)
{
	struct timeval tick = { 0, 100000 }, half = { 1, 0 };
	struct ev_token_bucket_cfg *cfg;
	struct bufferevent_rate_limit_group *g;
	struct bufferevent *snd[NM], *rcv[NM];
	struct event *snap;
	ev_uint64_t tr, tw;
	char *data;
	int s[2];
	double took;
	size_t total = 300 * 1024;

	tc_alarm("ratelim_transfer", 22);
	setvbuf(stdout, NULL, _IONBF, 0);
	verbose = getenv("RATELIM_VERBOSE") != NULL;
	base = event_base_new();
	data = calloc(1, total);

	/* 1) a write-limited sender */
	cfg = ev_token_bucket_cfg_new(10240, 10240, 10240, 10240, &tick);
	socketpair(AF_UNIX, SOCK_STREAM, 0, s);
	evutil_make_socket_nonblocking(s[0]);
	evutil_make_socket_nonblocking(s[1]);
	snd[0] = bufferevent_socket_new(base, s[0], BEV_OPT_CLOSE_ON_FREE);
	rcv[0] = bufferevent_socket_new(base, s[1], BEV_OPT_CLOSE_ON_FREE);
	printf("set_rate_limit: %d\n", bufferevent_set_rate_limit(snd[0], cfg));
	bufferevent_setcb(rcv[0], readcb, NULL, NULL, (void *)(long)NM);
	bufferevent_enable(rcv[0], EV_READ);
	want[NM] = total;
	remaining = 1;
	t0 = tc_mono();
	bufferevent_write(snd[0], data, total);
	event_base_dispatch(base);
	took = tc_mono() - t0;
	if (verbose)
		fprintf(stderr, "single: %.3f s\n", took);
	printf("single: all %u KiB arrived: %s\n", (unsigned)(total / 1024), tc_yesno(got[NM] == total));
	printf("single: took between 2.5 and 3.6 s: %s\n", tc_yesno(took >= 2.5 && took <= 3.6));
	printf("single: write limit now <= 10240: %s\n", tc_yesno(bufferevent_get_write_limit(snd[0]) <= 10240));
	printf("single: unused read bucket stays at 10240: %s\n", tc_yesno(bufferevent_get_read_limit(snd[0]) == 10240));
	bufferevent_free(snd[0]);
	bufferevent_free(rcv[0]);

	/* 2) a group of receivers */
	g = bufferevent_rate_limit_group_new(base, cfg);
	for (int i = 0; i < NM; i++) {
		socketpair(AF_UNIX, SOCK_STREAM, 0, s);
		evutil_make_socket_nonblocking(s[0]);
		evutil_make_socket_nonblocking(s[1]);
		snd[i] = bufferevent_socket_new(base, s[0], BEV_OPT_CLOSE_ON_FREE);
		rcv[i] = bufferevent_socket_new(base, s[1], BEV_OPT_CLOSE_ON_FREE);
		bufferevent_add_to_rate_limit_group(rcv[i], g);
		bufferevent_setcb(rcv[i], readcb, NULL, NULL, (void *)(long)i);
		bufferevent_enable(rcv[i], EV_READ);
		want[i] = EACH;
	}
	remaining = NM;
	snap = evtimer_new(base, snapshot, NULL);
	evtimer_add(snap, &half);
	t0 = tc_mono();
	for (int i = 0; i < NM; i++)
		bufferevent_write(snd[i], data, EACH);
	event_base_dispatch(base);
	took = tc_mono() - t0;
	if (verbose) {
		fprintf(stderr, "group: %.3f s\n", took);
		for (int i = 0; i < NM; i++)
			fprintf(stderr, "  member %d: done %.3f s, at 1 s %u\n", i, done_at[i], (unsigned)at_half[i]);
	}
	int all = 1, served = 1, close_finish = 1, fair = 1;
	double first = 1e9, last = 0, mean = 0;
	for (int i = 0; i < NM; i++)
		mean += (double)at_half[i] / NM;
	for (int i = 0; i < NM; i++) {
		all &= got[i] == EACH;
		served &= at_half[i] > 0 && at_half[i] < EACH;
		/* the budget is shared: at the snapshot every member is within
		 * 40% of the members' mean (about 50% of its data then; the mean,
		 * not the clock, so a late snapshot on a loaded machine still
		 * measures fairness) */
		fair &= at_half[i] >= 0.6 * mean && at_half[i] <= 1.4 * mean;
		if (done_at[i] < first) first = done_at[i];
		if (done_at[i] > last) last = done_at[i];
	}
	close_finish = last - first < 0.8;
	printf("group: every member got 20 KiB: %s\n", tc_yesno(all));
	printf("group: took between 1.5 and 2.6 s: %s\n", tc_yesno(took >= 1.5 && took <= 2.6));
	printf("group: at 1 s every member had some but not all: %s\n", tc_yesno(served));
	printf("group: at 1 s every member within 40%% of the members' mean: %s\n", tc_yesno(fair));
	printf("group: members finished within 0.8 s of each other: %s\n", tc_yesno(close_finish));
	bufferevent_rate_limit_group_get_totals(g, &tr, &tw);
	printf("group: totals read %lu written %lu\n", (unsigned long)tr, (unsigned long)tw);
	for (int i = 0; i < NM; i++) {
		bufferevent_remove_from_rate_limit_group(rcv[i]);
		bufferevent_free(rcv[i]);
		bufferevent_free(snd[i]);
	}
	bufferevent_rate_limit_group_free(g);

	/* 3) a read-limited receiver */
	socketpair(AF_UNIX, SOCK_STREAM, 0, s);
	evutil_make_socket_nonblocking(s[0]);
	evutil_make_socket_nonblocking(s[1]);
	snd[0] = bufferevent_socket_new(base, s[0], BEV_OPT_CLOSE_ON_FREE);
	rcv[0] = bufferevent_socket_new(base, s[1], BEV_OPT_CLOSE_ON_FREE);
	bufferevent_set_rate_limit(rcv[0], cfg);
	bufferevent_setcb(rcv[0], readcb, NULL, NULL, (void *)(long)NM);
	bufferevent_enable(rcv[0], EV_READ);
	got[NM] = 0;
	done_at[NM] = 0;
	want[NM] = 100 * 1024;
	remaining = 1;
	t0 = tc_mono();
	bufferevent_write(snd[0], data, 100 * 1024);
	event_base_dispatch(base);
	took = tc_mono() - t0;
	if (verbose)
		fprintf(stderr, "read-limited: %.3f s\n", took);
	printf("reader: all 100 KiB arrived: %s\n", tc_yesno(got[NM] == 100 * 1024));
	printf("reader: took between 0.6 and 1.4 s: %s\n", tc_yesno(took >= 0.6 && took <= 1.4));
	printf("reader: read limit now <= 10240: %s\n", tc_yesno(bufferevent_get_read_limit(rcv[0]) <= 10240));
	bufferevent_free(snd[0]);
	bufferevent_free(rcv[0]);
	event_free(snap);
	ev_token_bucket_cfg_free(cfg);
	free(data);
	event_base_free(base);
	printf("done\n");
	return 0;
}
