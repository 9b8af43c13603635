/* evbuffer_refs: add_reference cleanups (exactly once, when the last byte
 * leaves, even after moving to another buffer), add_buffer_reference,
 * file segments (EVBUF_FS_* flags, cleanup callbacks, add_file closing its
 * fd), and reserve_space/commit_space with 1 and 2 vectors, short commits
 * and refused commits. */
#include <event2/buffer.h>
#include <event2/event.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testcase.h"

static void cleanup(const void *data, size_t len, void *arg)
{
	printf("  cleanup %s: len=%zu data=%.*s\n", (const char *)arg, len, (int)len, (const char *)data);
}

static void fs_cleanup(struct evbuffer_file_segment const *seg, int flags, void *arg)
{
	(void)seg;
	printf("  fs cleanup %s: flags=%d\n", (const char *)arg, flags);
}

static void dump(const char *tag, struct evbuffer *b)
{
	size_t n = evbuffer_get_length(b);
	char tmp[256];
	ev_ssize_t k = evbuffer_copyout(b, tmp, n < sizeof(tmp) - 1 ? n : sizeof(tmp) - 1);
	if (k < 0) k = 0;
	tmp[k] = 0;
	printf("%s: len=%zu \"%s\"\n", tag, n, tmp);
}

static int tmpfile_with(const char *s)
{
	char path[] = "/tmp/evbuffer_refs_XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	unlink(path);
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		return -1;
	return fd;
}

int main(void)
{
	struct evbuffer *a = evbuffer_new(), *b = evbuffer_new(), *c = evbuffer_new();
	struct evbuffer_file_segment *seg, *seg2;
	struct evbuffer_iovec v[2], w[2];
	char out[128];
	int fd, fd2, r, n, i;
	unsigned char *d;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tc_alarm("evbuffer_refs", 10);

	printf("add_reference: %d\n", evbuffer_add_reference(a, "REF-ONE", 7, cleanup, "one"));
	evbuffer_add(a, "+plain", 6);
	printf("drain 3\n");
	evbuffer_drain(a, 3);
	printf("drain 3 more\n");
	evbuffer_drain(a, 3);
	printf("drain 1 (last byte of the reference)\n");
	evbuffer_drain(a, 1);
	dump("a", a);

	evbuffer_add_reference(a, "MOVED", 5, cleanup, "moved");
	printf("add_buffer to b\n");
	evbuffer_add_buffer(b, a);
	printf("remove_buffer 3 to c\n");
	evbuffer_remove_buffer(b, c, 8);
	dump("b", b);
	dump("c", c);
	printf("drain c\n");
	evbuffer_drain(c, evbuffer_get_length(c));
	printf("drain b\n");
	evbuffer_drain(b, evbuffer_get_length(b));

	evbuffer_add_reference(a, "PULLED", 6, cleanup, "pulled");
	evbuffer_add(a, "!", 1);
	printf("pullup\n");
	d = evbuffer_pullup(a, -1);
	printf("pulled: %.7s\n", (char *)d);
	evbuffer_drain(a, 7);

	evbuffer_add_reference(a, "FREED", 5, cleanup, "freed");
	evbuffer_add_reference(a, "REMOVED", 7, cleanup, "removed");
	n = evbuffer_remove(a, out, 8);
	printf("remove 8: %d %.8s\n", n, out);
	printf("free a\n");
	evbuffer_free(a);
	a = evbuffer_new();

	/* multicast */
	evbuffer_add_reference(a, "SHARED", 6, cleanup, "shared");
	evbuffer_add(a, "-tail", 5);
	r = evbuffer_add_buffer_reference(b, a);
	printf("add_buffer_reference: %d\n", r);
	dump("a", a);
	dump("b", b);
	printf("add_buffer_reference self: %d\n", evbuffer_add_buffer_reference(a, a));
	printf("add_buffer_reference empty: %d\n", evbuffer_add_buffer_reference(a, c));
	evbuffer_add(a, "+more", 5);
	dump("a after add", a);
	dump("b unchanged", b);
	printf("drain a\n");
	evbuffer_drain(a, evbuffer_get_length(a));
	printf("drain b 6\n");
	evbuffer_drain(b, 6);
	dump("b", b);
	evbuffer_drain(b, 5);

	/* file segments */
	fd = tmpfile_with("0123456789abcdefghij");
	seg = evbuffer_file_segment_new(fd, 2, 10, 0);
	printf("segment: %s\n", seg ? "ok" : "NULL");
	evbuffer_file_segment_add_cleanup_cb(seg, fs_cleanup, "seg");
	printf("add_file_segment 0,4: %d\n", evbuffer_add_file_segment(a, seg, 0, 4));
	printf("add_file_segment 6,-1: %d\n", evbuffer_add_file_segment(a, seg, 6, -1));
	/* (A refused add_file_segment is not tested here: libevent 2.1.12
	 * drops a reference it did not take on that path.) */
	dump("a", a);
	printf("segment free (still referenced)\n");
	evbuffer_file_segment_free(seg);
	printf("drain 4\n");
	evbuffer_drain(a, 4);
	printf("drain rest\n");
	evbuffer_drain(a, 4);
	printf("fd open (no CLOSE_ON_FREE): %d\n", tc_fd_open(fd));

	seg = evbuffer_file_segment_new(fd, 0, -1, EVBUF_FS_DISABLE_MMAP | EVBUF_FS_CLOSE_ON_FREE);
	evbuffer_file_segment_add_cleanup_cb(seg, fs_cleanup, "nommap");
	printf("whole file segment: %d\n", evbuffer_add_file_segment(b, seg, 0, -1));
	dump("b", b);
	evbuffer_file_segment_free(seg);
	d = evbuffer_pullup(b, 12);
	printf("search in file data: %d\n", (int)evbuffer_search(b, "cde", 3, NULL).pos);
	printf("free b\n");
	evbuffer_free(b);
	b = evbuffer_new();
	printf("fd open (CLOSE_ON_FREE): %d\n", tc_fd_open(fd));
	printf("segment on bad fd: %s\n", evbuffer_file_segment_new(-1, 0, 10, 0) ? "ok" : "NULL");

	fd2 = tmpfile_with("file contents\n");
	r = evbuffer_add_file(b, fd2, 5, 8);
	printf("add_file: %d\n", r);
	dump("b", b);
	seg2 = evbuffer_file_segment_new(tmpfile_with("xyz"), 0, 3, EVBUF_FS_DISABLE_SENDFILE | EVBUF_FS_CLOSE_ON_FREE);
	evbuffer_add_file_segment(b, seg2, 1, 2);
	evbuffer_file_segment_free(seg2);
	dump("b", b);
	n = evbuffer_remove(b, out, sizeof(out));
	printf("remove: %d %.*s\n", n, n, out);
	printf("add_file fd closed: %d\n", !tc_fd_open(fd2));

	/* reserve / commit */
	evbuffer_free(a);
	a = evbuffer_new();
	evbuffer_add(a, "head:", 5);
	n = evbuffer_reserve_space(a, 100, v, 1);
	printf("reserve 1 vec: %d len>=100: %d\n", n, v[0].iov_len >= 100);
	memcpy(v[0].iov_base, "0123456789", 10);
	v[0].iov_len = 10;
	printf("commit 10: %d\n", evbuffer_commit_space(a, v, 1));
	dump("a", a);
	printf("commit again (space moved): %d\n", evbuffer_commit_space(a, v, 1));
	n = evbuffer_reserve_space(a, 50, v, 1);
	evbuffer_add(a, "X", 1);
	v[0].iov_len = 5;
	printf("commit after add: %d\n", evbuffer_commit_space(a, v, 1));
	dump("a", a);
	n = evbuffer_reserve_space(a, 50, v, 1);
	v[0].iov_len = v[0].iov_len + 1;
	printf("commit more than reserved: %d\n", evbuffer_commit_space(a, v, 1));
	printf("commit 0 vecs: %d\n", evbuffer_commit_space(a, v, 0));
	printf("reserve 0 vecs: %d\n", evbuffer_reserve_space(a, 10, v, 0));
	n = evbuffer_reserve_space(a, 9000, v, 2);
	printf("reserve 2 vecs: n>=1: %d total>=9000: %d\n", n >= 1,
	    (n == 1 ? v[0].iov_len : v[0].iov_len + v[1].iov_len) >= 9000);
	{
		size_t want = 9000, k;
		for (i = 0; i < n; i++) {
			k = v[i].iov_len < want ? v[i].iov_len : want;
			memset(v[i].iov_base, 'a' + i, k);
			w[i].iov_base = v[i].iov_base;
			w[i].iov_len = k;
			want -= k;
		}
	}
	printf("commit 9000: %d len=%zu\n", evbuffer_commit_space(a, w, n), evbuffer_get_length(a));
	evbuffer_drain(a, 16);
	d = evbuffer_pullup(a, -1);
	for (i = 0; i < 9000 && d[i] != 'c'; i++)
		;
	printf("committed bytes are the reserved ones: %d\n", i == 9000);
	evbuffer_drain(a, evbuffer_get_length(a));
	n = evbuffer_reserve_space(a, 64, v, 1);
	v[0].iov_len = 0;
	printf("commit empty: %d len=%zu\n", evbuffer_commit_space(a, v, 1), evbuffer_get_length(a));

	evbuffer_free(a);
	evbuffer_free(b);
	evbuffer_free(c);
	printf("done\n");
	return 0;
}
