/*
 * io.h - what the test tools of tests/programs share (each tool is one .c
 * file built on its own by lib.sh's build_c; this header sits beside them).
 */
#ifndef GOEVENT_TEST_TOOLS_IO_H
#define GOEVENT_TEST_TOOLS_IO_H

#include <errno.h>
#include <unistd.h>

/* write_all writes all n bytes of p to fd, retrying after EINTR and short
 * writes; 0 when all were written, -1 on an error or a zero-length write. */
static int write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n > 0) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

#endif
