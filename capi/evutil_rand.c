/*
 * evutil_rand.c - evutil's secure random numbers, straight from the kernel
 * with getrandom(2): no user-space generator to seed, stir or reseed after
 * fork. Debian's libevent 2.1.12 uses glibc's arc4random(), which is built
 * the same way, so the observable behaviour is the same: init succeeds,
 * add_bytes has nothing to do, and the urandom device file cannot be
 * changed (-1).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include <event2/util.h>

#include "capi.h"

/* Reads n bytes from /dev/urandom, for a kernel without getrandom(2). */
static int urandom_fill(unsigned char *p, size_t n)
{
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (n > 0) {
		ssize_t r = read(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			close(fd);
			return -1;
		}
		p += r;
		n -= (size_t)r;
	}
	close(fd);
	return 0;
}

/* 0 once buf[0..n) is filled from the kernel's generator, else -1. */
static int kernel_fill(void *buf, size_t n)
{
	unsigned char *p = buf;
	while (n > 0) {
		ssize_t r = getrandom(p, n, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOSYS)
				return urandom_fill(p, n);
			return -1;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

int evutil_secure_rng_init(void)
{
	unsigned char b;
	int saved = errno;
	if (kernel_fill(&b, 1) != 0) {
		gev_warnx("evutil_secure_rng_init: the kernel's random generator is unavailable: %s",
		    strerror(errno));
		errno = saved;
		return -1;
	}
	errno = saved;
	return 0;
}

void evutil_secure_rng_get_bytes(void *buf, size_t n)
{
	int saved = errno;
	if (n == 0)
		return;
	if (kernel_fill(buf, n) != 0) {
		/* no safe value to hand out, and no way to report failure:
		 * glibc's arc4random_buf (what libevent calls) aborts too */
		gev_errx(GEV_ERR_ABORT, "evutil_secure_rng_get_bytes: the kernel's random generator failed: %s",
		    strerror(errno));
	}
	errno = saved;
}

void evutil_secure_rng_add_bytes(const char *dat, size_t datlen)
{
	/* The kernel pool needs no help from us (libevent on glibc ignores the
	 * bytes as well). */
	(void)dat;
	(void)datlen;
}

int evutil_secure_rng_set_urandom_device_file(char *fname)
{
	/* libevent built on a system arc4random returns -1 without a message */
	(void)fname;
	return -1;
}
