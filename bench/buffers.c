/*
 * buffers.c - evbuffer micro-benchmarks (plain libevent 2.1 API, one thread,
 * no event loop, no system calls in the timed part).
 *
 *   buffers readln  NAME LINES     evbuffer_readln(EVBUFFER_EOL_CRLF) + free()
 *                                  of short header lines; the text is added in
 *                                  4096-byte blocks (lines cross block edges)
 *   buffers addbuf  NAME OPS       evbuffer_add(tmp, 64 bytes) +
 *                                  evbuffer_add_buffer(dst, tmp); dst drained
 *                                  (evbuffer_drain of all of it) every 64 ops
 *   buffers reserve NAME OPS       evbuffer_reserve_space(256, 1 vector) +
 *                                  memset of the 256 bytes + evbuffer_commit_space;
 *                                  drained every 64 ops
 *   buffers printf  NAME OPS       evbuffer_add_printf("%s %d %s\r\n") of a
 *                                  ~25-byte line; drained every 1024 ops
 *   buffers bulk    NAME ITERS     8 x evbuffer_add of 1 MiB, then 8 x
 *                                  evbuffer_remove of 1 MiB; GB/s counts the
 *                                  bytes copied in and out (16 MiB per iteration)
 *   buffers bulkwarm NAME ITERS    the same after mallopt() tells glibc to keep
 *                                  freed memory (no mmap/trim per iteration), as
 *                                  a long-running process's fragmented heap does:
 *                                  without it libevent's 2 MiB chains are given
 *                                  back to the kernel and faulted in again on
 *                                  every iteration (~2000 page faults)
 *   buffers pullup  NAME ITERS     evbuffer_pullup(buf, -1) of a 1 MiB buffer
 *                                  built (untimed) from 16384 evbuffer_add calls
 *                                  of 64 bytes; only the pullup is timed
 *   buffers search  NAME ITERS     evbuffer_search for a 16-byte needle at the
 *                                  end of 16 MiB of text added in 4096-byte
 *                                  blocks; the needle's first byte occurs in
 *                                  the text once per 198 bytes
 *   buffers newfree NAME OPS       evbuffer_new + evbuffer_free (a temporary
 *                                  buffer, as generated evtag code makes one per
 *                                  nested message)
 *   buffers newaddfree NAME OPS    evbuffer_new + evbuffer_add of 24 bytes +
 *                                  evbuffer_remove of them + evbuffer_free
 *
 * Every shape runs a short untimed warm-up first and checks its results.
 * Times are CPU time of the process (cpu_now in bench.h: all threads, not
 * inflated by other processes on a shared machine).
 * RESULT name=NAME value=... unit=...
 */
#include "bench.h"

#include <malloc.h>

#include <event2/buffer.h>
#include <event2/util.h>

#define LIMIT 60.0 /* seconds: every timed loop gives up after this */

static void check_time(double t0)
{
	if (now_sec() - t0 > LIMIT)
		failf("timed loop exceeded %.0f s", LIMIT);
}

static void result(const char *name, double value, const char *unit, const char *extra)
{
	printf("RESULT name=%s value=%.4f unit=%s %s\n", name, value, unit, extra ? extra : "");
}

/* ------------------------------------------------------------------ readln */

static const char *header_lines[] = {
	"Host: www.example.com\r\n",
	"User-Agent: bench/1.0\r\n",
	"Accept: */*\r\n",
	"Accept-Encoding: gzip\r\n",
	"Connection: keep-alive\r\n",
	"X-Request-Id: 4711\r\n",
	"Cache-Control: no-cache\r\n",
	"Cookie: a=1; b=2\r\n",
};
#define NHEADER (sizeof header_lines / sizeof header_lines[0])

static long run_readln(struct evbuffer *buf, const char *text, size_t period, long want,
    long *bytes)
{
	long lines = 0;
	size_t pos = 0;
	double t0 = now_sec();
	while (lines < want) {
		if (evbuffer_add(buf, text + pos, 4096) < 0)
			failf("evbuffer_add failed");
		pos = (pos + 4096) % period;
		char *line;
		size_t n;
		while ((line = evbuffer_readln(buf, &n, EVBUFFER_EOL_CRLF)) != NULL) {
			if (n == 0 || line[n] != 0)
				failf("readln returned a bad line");
			*bytes += (long)n;
			free(line);
			lines++;
		}
		if ((lines & 0xffff) < 200)
			check_time(t0);
	}
	return lines;
}

static int readln_main(const char *name, long want)
{
	size_t period = 0;
	for (size_t i = 0; i < NHEADER; i++)
		period += strlen(header_lines[i]);
	/* the periodic text, long enough that any 4096-byte window starting
	 * within one period is contiguous */
	size_t cap = period * (4096 / period + 2) + 4096;
	char *text = malloc(cap);
	if (!text)
		failf("out of memory");
	size_t len = 0;
	while (len + 64 < cap)
		for (size_t i = 0; i < NHEADER && len + 64 < cap; i++) {
			size_t l = strlen(header_lines[i]);
			memcpy(text + len, header_lines[i], l);
			len += l;
		}
	if (len < period + 4096)
		failf("text too short");
	struct evbuffer *buf = evbuffer_new();
	if (!buf)
		failf("evbuffer_new failed");
	long bytes = 0;
	run_readln(buf, text, period, want / 20 + 1, &bytes); /* warm-up */
	evbuffer_drain(buf, evbuffer_get_length(buf));
	bytes = 0;
	double t0 = cpu_now();
	long lines = run_readln(buf, text, period, want, &bytes);
	double el = cpu_now() - t0;
	char extra[128];
	snprintf(extra, sizeof extra, "lines=%ld avg_len=%.1f cpu_secs=%.6f", lines,
	    (double)bytes / (double)lines, el);
	result(name, el * 1e9 / (double)lines, "ns/line", extra);
	evbuffer_free(buf);
	free(text);
	return 0;
}

/* ------------------------------------------------------------------ add_buffer */

static void run_addbuf(struct evbuffer *dst, struct evbuffer *tmp, long ops)
{
	char data[64];
	memset(data, 'a', sizeof data);
	double t0 = now_sec();
	for (long op = 0; op < ops; op++) {
		if (evbuffer_add(tmp, data, sizeof data) < 0)
			failf("evbuffer_add failed");
		if (evbuffer_add_buffer(dst, tmp) < 0)
			failf("evbuffer_add_buffer failed");
		if ((op & 63) == 63) {
			if (evbuffer_get_length(dst) != 64 * sizeof data || evbuffer_get_length(tmp) != 0)
				failf("add_buffer: wrong lengths");
			evbuffer_drain(dst, evbuffer_get_length(dst));
		}
		if ((op & 0xffff) == 0)
			check_time(t0);
	}
	evbuffer_drain(dst, evbuffer_get_length(dst));
}

static int addbuf_main(const char *name, long ops)
{
	struct evbuffer *dst = evbuffer_new(), *tmp = evbuffer_new();
	if (!dst || !tmp)
		failf("evbuffer_new failed");
	run_addbuf(dst, tmp, ops / 20 + 1);
	double t0 = cpu_now();
	run_addbuf(dst, tmp, ops);
	double el = cpu_now() - t0;
	char extra[96];
	snprintf(extra, sizeof extra, "ops=%ld cpu_secs=%.6f", ops, el);
	result(name, el * 1e9 / (double)ops, "ns/op", extra);
	evbuffer_free(dst);
	evbuffer_free(tmp);
	return 0;
}

/* ------------------------------------------------------------------ reserve/commit */

static void run_reserve(struct evbuffer *buf, long ops)
{
	struct evbuffer_iovec vec[1];
	double t0 = now_sec();
	for (long op = 0; op < ops; op++) {
		if (evbuffer_reserve_space(buf, 256, vec, 1) != 1 || vec[0].iov_len < 256)
			failf("evbuffer_reserve_space failed");
		memset(vec[0].iov_base, 'r', 256);
		vec[0].iov_len = 256;
		if (evbuffer_commit_space(buf, vec, 1) < 0)
			failf("evbuffer_commit_space failed");
		if ((op & 63) == 63) {
			if (evbuffer_get_length(buf) != 64 * 256)
				failf("reserve: wrong length");
			evbuffer_drain(buf, evbuffer_get_length(buf));
		}
		if ((op & 0xffff) == 0)
			check_time(t0);
	}
	evbuffer_drain(buf, evbuffer_get_length(buf));
}

static int reserve_main(const char *name, long ops)
{
	struct evbuffer *buf = evbuffer_new();
	if (!buf)
		failf("evbuffer_new failed");
	run_reserve(buf, ops / 20 + 1);
	double t0 = cpu_now();
	run_reserve(buf, ops);
	double el = cpu_now() - t0;
	char extra[96];
	snprintf(extra, sizeof extra, "ops=%ld cpu_secs=%.6f", ops, el);
	result(name, el * 1e9 / (double)ops, "ns/op", extra);
	evbuffer_free(buf);
	return 0;
}

/* ------------------------------------------------------------------ printf */

static long run_printf(struct evbuffer *buf, long ops)
{
	long bytes = 0;
	double t0 = now_sec();
	for (long op = 0; op < ops; op++) {
		int n = evbuffer_add_printf(buf, "%s %d %s\r\n", "GET", (int)(op & 0xfffff), "/index.html");
		if (n <= 0)
			failf("evbuffer_add_printf failed");
		bytes += n;
		if ((op & 1023) == 1023)
			evbuffer_drain(buf, evbuffer_get_length(buf));
		if ((op & 0xffff) == 0)
			check_time(t0);
	}
	evbuffer_drain(buf, evbuffer_get_length(buf));
	return bytes;
}

static int printf_main(const char *name, long ops)
{
	struct evbuffer *buf = evbuffer_new();
	if (!buf)
		failf("evbuffer_new failed");
	run_printf(buf, ops / 20 + 1);
	double t0 = cpu_now();
	long bytes = run_printf(buf, ops);
	double el = cpu_now() - t0;
	char extra[128];
	snprintf(extra, sizeof extra, "ops=%ld avg_len=%.1f cpu_secs=%.6f", ops, (double)bytes / (double)ops, el);
	result(name, el * 1e9 / (double)ops, "ns/op", extra);
	evbuffer_free(buf);
	return 0;
}

/* ------------------------------------------------------------------ bulk add/remove */

#define MiB (1024 * 1024)

static void run_bulk(struct evbuffer *buf, const char *src, char *dst, long iters)
{
	double t0 = now_sec();
	for (long it = 0; it < iters; it++) {
		for (int k = 0; k < 8; k++)
			if (evbuffer_add(buf, src, MiB) < 0)
				failf("evbuffer_add failed");
		for (int k = 0; k < 8; k++)
			if (evbuffer_remove(buf, dst + (size_t)k * MiB, MiB) != MiB)
				failf("evbuffer_remove failed");
		if ((it & 15) == 0)
			check_time(t0);
	}
}

static int bulk_main(const char *name, long iters, int warm)
{
	if (warm && (!mallopt(M_MMAP_THRESHOLD, 32 * MiB) || !mallopt(M_TRIM_THRESHOLD, 1024 * MiB)))
		failf("mallopt failed");
	char *src = malloc(MiB), *dst = malloc(8 * MiB);
	struct evbuffer *buf = evbuffer_new();
	if (!src || !dst || !buf)
		failf("out of memory");
	for (int i = 0; i < MiB; i++)
		src[i] = (char)('a' + i % 26);
	memset(dst, 0, 8 * MiB);
	run_bulk(buf, src, dst, iters / 10 + 1);
	double t0 = cpu_now();
	run_bulk(buf, src, dst, iters);
	double el = cpu_now() - t0;
	if (memcmp(dst + 7 * (size_t)MiB, src, MiB) != 0 || evbuffer_get_length(buf) != 0)
		failf("bulk: data differs");
	char extra[96];
	snprintf(extra, sizeof extra, "iters=%ld cpu_secs=%.6f", iters, el);
	result(name, (double)iters * 16 * MiB / el / 1e9, "GB/s", extra);
	evbuffer_free(buf);
	free(src);
	free(dst);
	return 0;
}

/* ------------------------------------------------------------------ pullup */

static double run_pullup(long iters)
{
	char piece[64];
	double total = 0;
	for (long it = 0; it < iters; it++) {
		struct evbuffer *buf = evbuffer_new();
		if (!buf)
			failf("evbuffer_new failed");
		for (int i = 0; i < 16384; i++) {
			memset(piece, 'a' + i % 26, sizeof piece);
			if (evbuffer_add(buf, piece, sizeof piece) < 0)
				failf("evbuffer_add failed");
		}
		double t0 = cpu_now();
		unsigned char *p = evbuffer_pullup(buf, -1);
		total += cpu_now() - t0;
		if (!p || p[0] != 'a' || p[64 * 16383] != 'a' + 16383 % 26 ||
		    evbuffer_get_contiguous_space(buf) != MiB)
			failf("pullup: wrong result");
		evbuffer_free(buf);
		if (total > LIMIT)
			failf("pullup exceeded %.0f s", LIMIT);
	}
	return total;
}

static int pullup_main(const char *name, long iters)
{
	run_pullup(iters / 10 + 1);
	double el = run_pullup(iters);
	char extra[96];
	snprintf(extra, sizeof extra, "iters=%ld pullup_cpu_secs=%.6f", iters, el);
	result(name, (double)iters * MiB / el / 1e9, "GB/s", extra);
	return 0;
}

/* ------------------------------------------------------------------ search */

static const char needle[] = "Needle-at-end-16";   /* 16 bytes */
static const char prose[] =
    "the quick brown fox jumps over the lazy dog while a small bird sings "
    "Now and then a cloud passes by the hill and the river keeps running "
    "to the sea as it always has done for a very long time indeed\n";

static int search_main(const char *name, long iters)
{
	const size_t total = 16 * MiB, block = 4096, plen = sizeof prose - 1;
	char *text = malloc(total);
	if (!text)
		failf("out of memory");
	for (size_t i = 0; i < total; i++)
		text[i] = prose[i % plen];
	memcpy(text + total - 16, needle, 16);
	struct evbuffer *buf = evbuffer_new();
	if (!buf)
		failf("evbuffer_new failed");
	for (size_t off = 0; off < total; off += block)
		if (evbuffer_add(buf, text + off, block) < 0)
			failf("evbuffer_add failed");
	struct evbuffer_ptr p = evbuffer_search(buf, needle, 16, NULL);  /* warm-up */
	if (p.pos != (ev_ssize_t)(total - 16))
		failf("search: found at %ld, want %ld", (long)p.pos, (long)(total - 16));
	double t0 = now_sec(), c0 = cpu_now();
	for (long it = 0; it < iters; it++) {
		p = evbuffer_search(buf, needle, 16, NULL);
		if (p.pos != (ev_ssize_t)(total - 16))
			failf("search: wrong position");
		check_time(t0);
	}
	double el = cpu_now() - c0;
	char extra[96];
	snprintf(extra, sizeof extra, "iters=%ld cpu_secs=%.6f", iters, el);
	result(name, (double)iters * total / el / 1e9, "GB/s", extra);
	evbuffer_free(buf);
	free(text);
	return 0;
}

/* ------------------------------------------------------------------ newfree */

static void run_newfree(long ops, int add)
{
	static const char msg[24] = "a nested message's bytes";
	char out[24];
	double t0 = now_sec();
	for (long op = 0; op < ops; op++) {
		struct evbuffer *tmp = evbuffer_new();
		if (!tmp)
			failf("evbuffer_new failed");
		if (add) {
			if (evbuffer_add(tmp, msg, sizeof msg) != 0 ||
			    evbuffer_remove(tmp, out, sizeof out) != (int)sizeof out || memcmp(out, msg, sizeof out) != 0)
				failf("newaddfree: add/remove failed");
		}
		evbuffer_free(tmp);
		if ((op & 0xffff) == 0)
			check_time(t0);
	}
}

static int newfree_main(const char *name, long ops, int add)
{
	run_newfree(ops / 20 + 1, add);
	double t0 = cpu_now();
	run_newfree(ops, add);
	double el = cpu_now() - t0;
	char extra[96];
	snprintf(extra, sizeof extra, "ops=%ld cpu_secs=%.6f", ops, el);
	result(name, el * 1e9 / (double)ops, "ns/op", extra);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: buffers readln|addbuf|reserve|printf|bulk|bulkwarm|pullup|search|newfree|newaddfree NAME COUNT\n");
	exit(2);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 4)
		usage();
	const char *shape = argv[1], *name = argv[2];
	long n = atol(argv[3]);
	if (n < 1)
		usage();
	if (!strcmp(shape, "readln"))
		return readln_main(name, n);
	if (!strcmp(shape, "addbuf"))
		return addbuf_main(name, n);
	if (!strcmp(shape, "reserve"))
		return reserve_main(name, n);
	if (!strcmp(shape, "printf"))
		return printf_main(name, n);
	if (!strcmp(shape, "bulk"))
		return bulk_main(name, n, 0);
	if (!strcmp(shape, "bulkwarm"))
		return bulk_main(name, n, 1);
	if (!strcmp(shape, "pullup"))
		return pullup_main(name, n);
	if (!strcmp(shape, "search"))
		return search_main(name, n);
	if (!strcmp(shape, "newfree"))
		return newfree_main(name, n, 0);
	if (!strcmp(shape, "newaddfree"))
		return newfree_main(name, n, 1);
	usage();
	return 2;
}
