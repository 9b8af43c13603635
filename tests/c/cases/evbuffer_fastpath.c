/* evbuffer_fastpath: the operations goevent answers in C on the windows the
 * core publishes, at the edges where they must hand over to the core:
 * evbuffer_readln with every EOL style on text split into separate blocks
 * (evbuffer_add_reference makes a block boundary at a chosen byte in both
 * libraries) at every position, so line ends and runs of \r\n straddle
 * blocks; readln with nothing complete; evbuffer_add_buffer of small
 * buffers (plain bytes, referenced bytes whose cleanup must wait for the
 * destination, an empty source, a source with two blocks); and
 * reserve/commit into the free room with the commits libevent refuses too
 * (a second commit, a longer or foreign vector). */
#include <event2/buffer.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testcase.h"

static void show(const char *s, size_t n)
{
	size_t i;
	putchar('"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\r')
			printf("\\r");
		else if (c == '\n')
			printf("\\n");
		else if (c == 0)
			printf("\\0");
		else
			putchar(c);
	}
	putchar('"');
}

static const char *style_name[] = { "ANY", "CRLF", "CRLF_STRICT", "LF", "NUL" };

/* Reads every line; prints them on one line and what is left. */
static void read_all(struct evbuffer *b, enum evbuffer_eol_style st)
{
	char *line;
	size_t n = 99;
	int k = 0;
	while ((line = evbuffer_readln(b, &n, st)) != NULL) {
		if (line[n] != 0)
			printf("[no NUL after the line]");
		putchar(k++ ? ' ' : '\t');
		show(line, n);
		free(line);
		n = 99;
	}
	printf("%s| NULL n=%zu left=%zu\n", k ? " " : "\t", n, evbuffer_get_length(b));
}

static void noop_cleanup(const void *data, size_t len, void *arg)
{
	(void)data; (void)len; (void)arg;
}

static int cleanups;
static void count_cleanup(const void *data, size_t len, void *arg)
{
	(void)data; (void)len; (void)arg;
	cleanups++;
}

/* text split at cut1 and cut2 (0 or the length: no cut) into referenced
 * blocks, then plain bytes added after them. */
static struct evbuffer *split(const char *text, size_t len, size_t cut1, size_t cut2, const char *tail)
{
	struct evbuffer *b = evbuffer_new();
	if (cut1 > 0)
		evbuffer_add_reference(b, text, cut1, noop_cleanup, NULL);
	if (cut2 > cut1)
		evbuffer_add_reference(b, text + cut1, cut2 - cut1, noop_cleanup, NULL);
	if (len > cut2)
		evbuffer_add_reference(b, text + cut2, len - cut2, noop_cleanup, NULL);
	if (tail)
		evbuffer_add(b, tail, strlen(tail));
	return b;
}

static void readln_splits(void)
{
	static const char text[] = "ab\r\ncd\n\r\ne\r\r\nf\n\ng\0h\r\n\ri\n";
	size_t len = sizeof text - 1, c;
	int st;

	for (st = 0; st <= 4; st++) {
		printf("%s, whole: ", style_name[st]);
		{
			struct evbuffer *b = split(text, len, len, len, NULL);
			read_all(b, st);
			evbuffer_free(b);
		}
		for (c = 1; c < len; c++) {
			struct evbuffer *b = split(text, len, c, c, NULL);
			printf("%s, cut at %2zu:", style_name[st], c);
			read_all(b, st);
			evbuffer_free(b);
		}
		/* two cuts around each run of line-end bytes */
		for (c = 1; c + 2 < len; c += 3) {
			struct evbuffer *b = split(text, len, c, c + 2, "tail\r");
			printf("%s, cuts at %2zu,%2zu + plain tail:", style_name[st], c, c + 2);
			read_all(b, st);
			evbuffer_free(b);
		}
	}
}

/* Lines from plain adds that fill and drain the buffer, several blocks'
 * worth: readln must see every byte once and in order. */
static void readln_stream(void)
{
	struct evbuffer *b = evbuffer_new();
	char chunk[1000], *line;
	size_t n, total = 0, lines = 0, bad = 0, i, j;
	unsigned seed = 7;
	for (i = 0; i < 300; i++) {
		for (j = 0; j < sizeof chunk; j++) {
			seed = seed * 1103515245u + 12345u;
			chunk[j] = (seed >> 16) % 23 == 0 ? '\n' : (seed >> 16) % 29 == 0 ? '\r' : 'a' + (char)((seed >> 16) % 26);
		}
		evbuffer_add(b, chunk, (seed >> 8) % sizeof chunk + 1);
		while ((line = evbuffer_readln(b, &n, i % 2 ? EVBUFFER_EOL_CRLF : EVBUFFER_EOL_ANY)) != NULL) {
			if (strlen(line) != n || memchr(line, '\n', n))
				bad++;
			total += n;
			lines++;
			free(line);
		}
	}
	printf("stream: lines=%zu bytes=%zu bad=%zu left=%zu\n", lines, total, bad, evbuffer_get_length(b));
	evbuffer_free(b);
}

static void show_buf(const char *tag, struct evbuffer *b)
{
	size_t n = evbuffer_get_length(b);
	char *p = malloc(n + 1);
	evbuffer_copyout(b, p, n);
	printf("%s: len=%zu ", tag, n);
	show(p, n);
	putchar('\n');
	free(p);
}

static void add_buffer_small(void)
{
	struct evbuffer *dst = evbuffer_new(), *src = evbuffer_new();
	static const char ref[] = "referenced";
	int i, r;

	for (i = 0; i < 5; i++) {
		char m[8];
		snprintf(m, sizeof m, "<%d>", i);
		evbuffer_add(src, m, strlen(m));
		r = evbuffer_add_buffer(dst, src);
		printf("add_buffer %d: %d src=%zu dst=%zu\n", i, r, evbuffer_get_length(src), evbuffer_get_length(dst));
	}
	r = evbuffer_add_buffer(dst, src);
	printf("add_buffer of an empty source: %d dst=%zu\n", r, evbuffer_get_length(dst));
	r = evbuffer_add_buffer(dst, dst);
	printf("add_buffer into itself: %d dst=%zu\n", r, evbuffer_get_length(dst));
	show_buf("dst", dst);

	/* referenced bytes move with their cleanup: it runs when the
	 * destination lets go of them, not at add_buffer */
	evbuffer_add_reference(src, ref, sizeof ref - 1, count_cleanup, NULL);
	r = evbuffer_add_buffer(dst, src);
	printf("add_buffer of a reference: %d src=%zu dst=%zu cleanups=%d\n", r, evbuffer_get_length(src),
	    evbuffer_get_length(dst), cleanups);
	evbuffer_drain(dst, 5);
	printf("after draining 5: cleanups=%d\n", cleanups);
	show_buf("dst", dst);
	evbuffer_drain(dst, evbuffer_get_length(dst));
	printf("after draining all: cleanups=%d\n", cleanups);

	/* a source in two blocks, then more plain bytes into both */
	evbuffer_add(src, "one,", 4);
	evbuffer_add_reference(src, "two,", 4, noop_cleanup, NULL);
	evbuffer_add(src, "three", 5);
	r = evbuffer_add_buffer(dst, src);
	printf("add_buffer of three blocks: %d src=%zu dst=%zu\n", r, evbuffer_get_length(src), evbuffer_get_length(dst));
	evbuffer_add(src, "again", 5);
	evbuffer_add(dst, "+", 1);
	r = evbuffer_add_buffer(dst, src);
	printf("add_buffer again: %d src=%zu\n", r, evbuffer_get_length(src));
	show_buf("dst", dst);

	/* a source that fills more than the destination's room: both ways */
	for (i = 0; i < 200; i++) {
		char m[40];
		memset(m, 'a' + i % 26, sizeof m);
		evbuffer_add(src, m, sizeof m);
		if (evbuffer_add_buffer(dst, src) != 0)
			printf("add_buffer %d failed\n", i);
	}
	printf("200 moves of 40: src=%zu dst=%zu\n", evbuffer_get_length(src), evbuffer_get_length(dst));
	{
		char out[40];
		int bad = 0;
		evbuffer_drain(dst, 19); /* "one,two,three+again" */
		for (i = 0; i < 200; i++) {
			if (evbuffer_remove(dst, out, sizeof out) != (int)sizeof out || out[0] != 'a' + i % 26 ||
			    out[39] != 'a' + i % 26)
				bad++;
		}
		printf("read back: bad=%d left=%zu\n", bad, evbuffer_get_length(dst));
	}
	evbuffer_free(dst);
	evbuffer_free(src);
}

static void reserve_commit(void)
{
	struct evbuffer *b = evbuffer_new();
	struct evbuffer_iovec v[2], w;
	char out[64];
	int i, r, bad = 0;

	evbuffer_add(b, "head:", 5);
	r = evbuffer_reserve_space(b, 16, v, 1);
	printf("reserve 16: %d len>=16: %s\n", r, tc_yesno(r == 1 && v[0].iov_len >= 16));
	memcpy(v[0].iov_base, "0123456789", 10);
	v[0].iov_len = 10;
	w = v[0];
	w.iov_len = 100000000;
	r = evbuffer_commit_space(b, &w, 1);
	printf("commit longer than reserved: %d\n", r);
	r = evbuffer_commit_space(b, v, 1);
	printf("commit: %d len=%zu\n", r, evbuffer_get_length(b));
	r = evbuffer_commit_space(b, v, 1);
	printf("commit again: %d len=%zu\n", r, evbuffer_get_length(b));

	r = evbuffer_reserve_space(b, 4, v, 2);
	printf("reserve 4 in 2 vectors: %d\n", r);
	w.iov_base = out;
	w.iov_len = 1;
	r = evbuffer_commit_space(b, &w, 1);
	printf("commit of a foreign vector: %d\n", r);
	memcpy(v[0].iov_base, "abcd", 4);
	v[0].iov_len = 4;
	r = evbuffer_commit_space(b, v, 1);
	printf("commit: %d len=%zu\n", r, evbuffer_get_length(b));
	r = evbuffer_reserve_space(b, 8, v, 1);
	v[0].iov_len = 0;
	r = evbuffer_commit_space(b, v, 1);
	printf("commit of nothing: %d len=%zu\n", r, evbuffer_get_length(b));
	show_buf("buf", b);

	/* many reservations of 100 bytes, drained now and then */
	evbuffer_drain(b, evbuffer_get_length(b));
	for (i = 0; i < 500; i++) {
		if (evbuffer_reserve_space(b, 100, v, 1) != 1 || v[0].iov_len < 100) {
			bad++;
			continue;
		}
		memset(v[0].iov_base, 'a' + i % 26, 100);
		v[0].iov_len = 100;
		if (evbuffer_commit_space(b, v, 1) != 0)
			bad++;
		if (i % 50 == 49) {
			if (evbuffer_get_length(b) != 5000 || evbuffer_remove(b, out, 64) != 64 || out[0] != 'a' + (i - 49) % 26)
				bad++;
			evbuffer_drain(b, evbuffer_get_length(b));
		}
	}
	printf("500 reserve+commit of 100: bad=%d len=%zu\n", bad, evbuffer_get_length(b));
	evbuffer_free(b);
}

int main(void)
{
	tc_alarm("evbuffer_fastpath", 10);
	readln_splits();
	readln_stream();
	add_buffer_small();
	reserve_commit();
	return 0;
}
