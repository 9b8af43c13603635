/* evbuffer_reserve_vecs: evbuffer_reserve_space with 2 or more vectors and
 * what evbuffer_commit_space accepts afterwards. libevent hands out the free
 * room after the last data first, then the empty extents after it (kept
 * across reservations and partial commits), as many as it takes to reach the
 * size and at most n_vec; when n_vec extents cannot hold the size it replaces
 * the empty ones by one big enough. Sizes are asked relative to what was
 * returned, so the transcript does not depend on the allocator's block sizes;
 * addresses are printed only as relations ("v0 at end of data", "same as
 * before"). */
#include <event2/buffer.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testcase.h"

static size_t sum(const struct evbuffer_iovec *v, int n)
{
	size_t s = 0;
	int i;
	for (i = 0; i < n; i++)
		s += v[i].iov_len;
	return s;
}

/* The end of the data: where the free room after the last byte starts.
 * (libevent's evbuffer_peek also lists the empty extents a reservation left
 * after the data, with length 0: they are skipped.) */
static char *data_end(struct evbuffer *b)
{
	struct evbuffer_iovec v[64];
	int n = evbuffer_peek(b, -1, NULL, v, 64);
	if (n > 64)
		return NULL;
	while (n > 0 && v[n - 1].iov_len == 0)
		n--;
	if (n <= 0)
		return NULL;
	return (char *)v[n - 1].iov_base + v[n - 1].iov_len;
}

/* Commits and prints the result and the new length. */
static int commit(const char *tag, struct evbuffer *b, struct evbuffer_iovec *v, int n)
{
	int r = evbuffer_commit_space(b, v, n);
	printf("%s: %d len=%zu\n", tag, r, evbuffer_get_length(b));
	return r;
}

static void show_peek(const char *tag, struct evbuffer *b)
{
	struct evbuffer_iovec v[16];
	int n = evbuffer_peek(b, -1, NULL, v, 16), i;
	printf("%s: len=%zu peek=%d [", tag, evbuffer_get_length(b), n);
	for (i = 0; i < n && i < 16; i++)
		printf("%s%zu", i ? " " : "", v[i].iov_len);
	printf("]\n");
}

/* The contents as runs: "X*512 Y*8". */
static void show_contents(const char *tag, struct evbuffer *b)
{
	size_t n = evbuffer_get_length(b), i, run = 0;
	unsigned char *p = evbuffer_pullup(b, -1);
	printf("%s:", tag);
	for (i = 0; i < n; i++) {
		run++;
		if (i + 1 == n || p[i + 1] != p[i]) {
			printf(" %c*%zu", p[i], run);
			run = 0;
		}
	}
	printf("\n");
}

/* libevent's two-vector walk: one chain, a split, a partial commit of the
 * first vector only, then a commit into both. */
static void two_vectors(void)
{
	struct evbuffer *buf = evbuffer_new();
	struct evbuffer_iovec v[2];
	size_t remaining;
	char *cp, *cp2;
	int n;

	printf("-- two vectors\n");
	n = evbuffer_reserve_space(buf, 1024, v, 2);
	printf("reserve 1024/2 on empty: n=%d len>=1024 %s\n", n, tc_yesno(v[0].iov_len >= 1024));
	memset(v[0].iov_base, 'X', 512);
	cp = v[0].iov_base;
	remaining = v[0].iov_len - 512;
	v[0].iov_len = 512;
	commit("commit 512", buf, v, 1);

	n = evbuffer_reserve_space(buf, 32, v, 2);
	printf("reserve 32/2: n=%d v0 at end of data %s v0 is the rest %s\n", n,
	    tc_yesno(v[0].iov_base == cp + 512), tc_yesno(v[0].iov_len == remaining));
	memset(v[0].iov_base, 'Y', 8);
	v[0].iov_len = 8;
	commit("commit 8", buf, v, 1);
	remaining -= 8;

	n = evbuffer_reserve_space(buf, remaining + 64, v, 2);
	printf("reserve rest+64/2: n=%d v0 at end of data %s v0 is the rest %s v1>=64 %s\n", n,
	    tc_yesno(v[0].iov_base == cp + 520), tc_yesno(v[0].iov_len == remaining),
	    tc_yesno(n == 2 && v[1].iov_len >= 64));
	cp2 = v[1].iov_base;
	memset(v[0].iov_base, 'Z', 1);
	v[0].iov_len = 1;
	commit("commit first only, 1 byte", buf, v, 1);
	remaining -= 1;

	n = evbuffer_reserve_space(buf, remaining + 64, v, 2);
	printf("reserve rest+64/2 again: n=%d v0 at end of data %s v0 is the rest %s v1 reused %s\n", n,
	    tc_yesno(v[0].iov_base == cp + 521), tc_yesno(v[0].iov_len == remaining),
	    tc_yesno(n == 2 && v[1].iov_base == cp2));
	memset(v[0].iov_base, 'W', 400);
	v[0].iov_len = 400;
	memset(v[1].iov_base, 'x', 60);
	v[1].iov_len = 60;
	commit("commit 400+60", buf, v, 2);
	show_peek("after", buf);
	show_contents("contents", buf);
	evbuffer_free(buf);
}

/* libevent's "many" walk: reservations that grow without commits reuse the
 * extents handed out before, up to n_vec of them; asking two vectors for what
 * three held replaces the empty extents. mode: 0 nothing committed, 1 one
 * byte committed first, 2 the first extent filled first. */
static void many(int mode)
{
	struct evbuffer *buf = evbuffer_new();
	struct evbuffer_iovec v[8];
	char *cp1, *cp2;
	size_t sz, before;
	int n;

	printf("-- many, %s\n", mode == 0 ? "nothing committed" : mode == 1 ? "one byte committed" : "first extent filled");
	n = evbuffer_reserve_space(buf, 128, v, 2);
	printf("reserve 128/2: n=%d len>=128 %s\n", n, tc_yesno(v[0].iov_len >= 128));
	sz = v[0].iov_len;
	cp1 = v[0].iov_base;
	if (mode == 1) {
		*(char *)v[0].iov_base = 'X';
		v[0].iov_len = 1;
		printf("commit 1: %d\n", evbuffer_commit_space(buf, v, 1));
	} else if (mode == 2) {
		memset(v[0].iov_base, 'X', v[0].iov_len);
		printf("commit all: %d\n", evbuffer_commit_space(buf, v, 1));
		n = evbuffer_reserve_space(buf, 128, v, 2);
		printf("reserve 128/2: n=%d new extent %s\n", n, tc_yesno(v[0].iov_base != cp1));
		sz = v[0].iov_len;
		cp1 = v[0].iov_base;
	}

	before = evbuffer_get_length(buf);
	n = evbuffer_reserve_space(buf, sz + 128, v, 2);
	sz = sum(v, n);
	printf("reserve sz+128/2: n=%d v0 same %s total>=v0+128 %s\n", n,
	    tc_yesno(v[0].iov_base == (mode == 1 ? cp1 + 1 : cp1)), tc_yesno(sz >= v[0].iov_len + 128));
	cp1 = v[0].iov_base;
	cp2 = n > 1 ? v[1].iov_base : NULL;

	n = evbuffer_reserve_space(buf, sz + 128, v, 3);
	printf("reserve sz+128/3: n=%d v0 same %s v1 same %s\n", n, tc_yesno(v[0].iov_base == cp1),
	    tc_yesno(n > 1 && v[1].iov_base == cp2));
	sz = sum(v, n);

	n = evbuffer_reserve_space(buf, sz + 128, v, 2);
	printf("reserve sz+128/2 (more than 2 extents hold): n=%d v0 same %s total>=size %s\n", n,
	    tc_yesno(v[0].iov_base == cp1), tc_yesno(sum(v, n) >= sz + 128));
	{
		/* fill it all: the bytes land in order */
		size_t want = sz + 128, k;
		int i;
		for (i = 0; i < n; i++) {
			k = v[i].iov_len < want ? v[i].iov_len : want;
			memset(v[i].iov_base, 'a' + i, k);
			v[i].iov_len = k;
			want -= k;
		}
	}
	n = evbuffer_commit_space(buf, v, n);
	printf("commit all: %d grew by the size %s\n", n, tc_yesno(evbuffer_get_length(buf) == before + sz + 128));
	evbuffer_free(buf);
}

/* What commit accepts after a two-vector reservation. */
static void commits(void)
{
	struct evbuffer *buf = evbuffer_new();
	struct evbuffer_iovec v[4], w[4];
	size_t room;
	int n;

	printf("-- commits\n");
	evbuffer_add(buf, "head", 4);
	n = evbuffer_reserve_space(buf, 1, v, 1);
	room = v[0].iov_len;

	/* both partly */
	n = evbuffer_reserve_space(buf, room + 100, v, 2);
	printf("reserve room+100/2: n=%d v0 at end of data %s v0 is the room %s\n", n,
	    tc_yesno(v[0].iov_base == data_end(buf)), tc_yesno(v[0].iov_len == room));
	memcpy(w, v, sizeof(w));
	w[0].iov_len = 3;
	memset(w[0].iov_base, '1', 3);
	w[1].iov_len = 5;
	memset(w[1].iov_base, '2', 5);
	commit("commit 3+5", buf, w, 2);
	show_peek("after", buf);

	/* only the second vector, as a one-vector commit */
	n = evbuffer_reserve_space(buf, 1, v, 1);
	room = v[0].iov_len;
	n = evbuffer_reserve_space(buf, room + 100, v, 2);
	printf("reserve room+100/2: n=%d\n", n);
	w[0] = v[1];
	w[0].iov_len = 7;
	memset(w[0].iov_base, '3', 7);
	commit("commit second only (1 vector)", buf, w, 1);
	show_peek("after", buf);

	/* first empty, second with data */
	n = evbuffer_reserve_space(buf, 1, v, 1);
	room = v[0].iov_len;
	n = evbuffer_reserve_space(buf, room + 100, v, 2);
	printf("reserve room+100/2: n=%d\n", n);
	memcpy(w, v, sizeof(w));
	w[0].iov_len = 0;
	w[1].iov_len = 6;
	memset(w[1].iov_base, '4', 6);
	commit("commit 0+6", buf, w, 2);
	show_peek("after", buf);

	/* refused: too long, wrong base, too many vectors */
	n = evbuffer_reserve_space(buf, 1, v, 1);
	room = v[0].iov_len;
	n = evbuffer_reserve_space(buf, room + 100, v, 2);
	memcpy(w, v, sizeof(w));
	w[1].iov_len = v[1].iov_len + 1;
	printf("commit second too long: %d\n", evbuffer_commit_space(buf, w, 2));
	memcpy(w, v, sizeof(w));
	w[1].iov_base = (char *)v[1].iov_base + 1;
	w[1].iov_len = 1;
	printf("commit second moved: %d\n", evbuffer_commit_space(buf, w, 2));
	memcpy(w, v, sizeof(w));
	w[0].iov_len = 1;
	w[1].iov_len = 1;
	w[2].iov_base = v[0].iov_base;
	w[2].iov_len = 1;
	printf("commit 3 vectors: %d\n", evbuffer_commit_space(buf, w, 3));
	w[0] = v[1];
	w[0].iov_base = (char *)v[1].iov_base + 1;
	w[0].iov_len = 1;
	commit("commit 1 vector inside the second", buf, w, 1);
	memcpy(w, v, sizeof(w));
	w[0].iov_len = 2;
	memset(w[0].iov_base, '5', 2);
	w[1].iov_len = 0;
	commit("commit 2+0", buf, w, 2);
	show_contents("contents", buf);
	evbuffer_free(buf);
}

/* Edge sizes and vector counts. */
static void edges(void)
{
	struct evbuffer *buf = evbuffer_new();
	struct evbuffer_iovec v[8];
	int n;

	printf("-- edges\n");
	n = evbuffer_reserve_space(buf, 0, v, 2);
	printf("reserve 0/2 on empty: %d\n", n);
	n = evbuffer_reserve_space(buf, 0, v, 1);
	printf("reserve 0/1 on empty: %d len>0 %s\n", n, tc_yesno(n == 1 && v[0].iov_len > 0));
	printf("reserve -1/2: %d\n", evbuffer_reserve_space(buf, -1, v, 2));
	printf("reserve 10/0: %d\n", evbuffer_reserve_space(buf, 10, v, 0));
	evbuffer_add(buf, "abc", 3);
	n = evbuffer_reserve_space(buf, 0, v, 2);
	printf("reserve 0/2 with data: %d\n", n);
	n = evbuffer_reserve_space(buf, 200000, v, 8);
	printf("reserve 200000/8 with data: n=%d total>=200000 %s v0 at end of data %s\n", n,
	    tc_yesno(sum(v, n) >= 200000), tc_yesno(v[0].iov_base == data_end(buf)));
	n = evbuffer_reserve_space(buf, 10, v, 8);
	printf("reserve 10/8: n=%d v0 at end of data %s\n", n, tc_yesno(v[0].iov_base == data_end(buf)));

	/* a reference at the end: its bytes cannot be appended to */
	evbuffer_add_reference(buf, "REF", 3, NULL, NULL);
	n = evbuffer_reserve_space(buf, 10, v, 2);
	printf("reserve 10/2 after a reference: n=%d v0 at end of data %s len>=10 %s\n", n,
	    tc_yesno(v[0].iov_base == data_end(buf)), tc_yesno(v[0].iov_len >= 10));
	memcpy(v[0].iov_base, "after", 5);
	v[0].iov_len = 5;
	commit("commit 5", buf, v, 1);

	/* frozen end */
	evbuffer_freeze(buf, 0);
	printf("reserve 10/2 frozen: %d\n", evbuffer_reserve_space(buf, 10, v, 2));
	evbuffer_unfreeze(buf, 0);
	{
		char out[16] = { 0 };
		evbuffer_copyout(buf, out, 11);
		printf("contents: %s\n", out);
	}
	evbuffer_free(buf);
}

/* A reservation's extents left unused, then ordinary adds and drains: the
 * bytes stay in order and the next reservation still works. */
static void mixed(void)
{
	struct evbuffer *buf = evbuffer_new();
	struct evbuffer_iovec v[4];
	char chunk[3000];
	size_t room;
	int n, i;

	printf("-- mixed\n");
	evbuffer_add(buf, "A", 1);
	n = evbuffer_reserve_space(buf, 1, v, 1);
	room = v[0].iov_len;
	n = evbuffer_reserve_space(buf, room + 2000, v, 3);
	printf("reserve room+2000/3: n=%d\n", n);
	memset(v[0].iov_base, 'b', 1);
	v[0].iov_len = 1;
	printf("commit 1: %d\n", evbuffer_commit_space(buf, v, 1));
	for (i = 0; i < 5; i++) {
		memset(chunk, 'c' + i, sizeof(chunk));
		evbuffer_add(buf, chunk, sizeof(chunk));
	}
	evbuffer_drain(buf, 1000);
	n = evbuffer_reserve_space(buf, 5000, v, 4);
	printf("reserve 5000/4: n>=1 %s total>=5000 %s v0 at end of data %s\n", tc_yesno(n >= 1),
	    tc_yesno(sum(v, n) >= 5000), tc_yesno(v[0].iov_base == data_end(buf)));
	for (i = 0; i < n; i++) {
		memset(v[i].iov_base, 'z', v[i].iov_len);
	}
	n = evbuffer_commit_space(buf, v, n);
	printf("commit all: %d len>=%d %s\n", n, 14002 + 5000, tc_yesno(evbuffer_get_length(buf) >= 14002 + 5000));
	evbuffer_drain(buf, 14002);
	{
		unsigned char *p = evbuffer_pullup(buf, 5000);
		for (i = 0; i < 5000 && p[i] == 'z'; i++)
			;
		printf("committed bytes follow the adds: %s\n", tc_yesno(i == 5000));
	}
	evbuffer_free(buf);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("evbuffer_reserve_vecs", 10);
	two_vectors();
	many(0);
	many(1);
	many(2);
	commits();
	edges();
	mixed();
	printf("done\n");
	return 0;
}
