/*
 * lazystart.c - starts the Go runtime of libgoevent_core-2.1.so.7 on first
 * use instead of at load time.
 *
 * The core is a DT_NEEDED dependency of the C libraries, so the dynamic
 * linker maps it when the program starts, and it is still there after the
 * program chroot()s, enters a mount namespace, or its library directory is
 * unmounted or replaced (issue 10). But a Go runtime does not survive
 * fork(), and programs fork after loading libevent (../shared/NOTES.md §1).
 * So the Makefile links the core from Go's c-archive objects with the
 * runtime's load-time constructor removed from go.o's .init_array, and
 * exports the runtime's entry point (GEV_GO_RT0, _rt0_<arch>_linux_lib) to
 * this file only. Until goevent_core_attach is first called the core is
 * inert mapped memory: no Go thread, no signal handler, nothing a fork could
 * break.
 *
 * The runtime expects what the kernel gave the program: argc, argv, the
 * environment and, after it, the auxiliary vector (page size, vDSO, random
 * seed). The original vectors may have been rewritten by then (daemons
 * overwrite argv and move environ for their process titles), so we hand it
 * a vector of our own: no arguments, the environment as it is now (so
 * GODEBUG and friends set before the first call count), the auxv entries the
 * runtime reads from getauxval(3), and 16 fresh random bytes for AT_RANDOM
 * (the kernel's are shared by every process forked from one exec).
 */
#include <elf.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/random.h>

#include "gev_internal.h"

/* Go's library entry point (asm; C ABI: argc, argv): saves them, installs
 * the runtime's synchronous signal handlers and starts a thread that
 * initialises the runtime. Exported calls wait for that to finish. */
extern void GEV_GO_RT0(int argc, char **argv);

/* The Go export behind goevent_core_attach (capi/gocore/main.go). */
extern int goevent_core_attach_go(struct gev_core_ops *ops, struct gev_services *svc);

extern char **environ;

static pthread_once_t start_once = PTHREAD_ONCE_INIT;
static int started;

/* The runtime keeps a slice of the auxv part for the life of the process. */
static unsigned char random_seed[16];

static void start_runtime(void)
{
	static const unsigned long keys[] = {
		AT_PAGESZ, AT_SYSINFO_EHDR, AT_SECURE, AT_HWCAP, AT_HWCAP2,
		AT_MINSIGSTKSZ, AT_PLATFORM,
	};
	size_t nenv = 0;
	while (environ && environ[nenv])           /* NULL after clearenv(3) */
		nenv++;
	size_t nkeys = sizeof keys / sizeof keys[0];
	/* argv's NULL, the environment and its NULL, auxv pairs (+ AT_RANDOM, AT_NULL) */
	size_t n = 1 + nenv + 1 + 2 * (nkeys + 2);
	uintptr_t *vec = malloc(n * sizeof *vec);  /* kept: the runtime points into it */
	if (!vec)
		return;
	size_t i = 0;
	vec[i++] = 0;                              /* argc = 0: argv is empty */
	for (size_t k = 0; k < nenv; k++)
		vec[i++] = (uintptr_t)environ[k];
	vec[i++] = 0;
	for (size_t k = 0; k < nkeys; k++) {
		unsigned long v = getauxval(keys[k]);
		if (v == 0 && keys[k] != AT_SECURE)
			continue;
		vec[i++] = keys[k];
		vec[i++] = v;
	}
	if (getrandom(random_seed, sizeof random_seed, GRND_NONBLOCK) != (ssize_t)sizeof random_seed) {
		unsigned long kernel_seed = getauxval(AT_RANDOM);
		if (kernel_seed)
			memcpy(random_seed, (const void *)kernel_seed, sizeof random_seed);
	}
	vec[i++] = AT_RANDOM;
	vec[i++] = (uintptr_t)random_seed;
	vec[i++] = AT_NULL;
	vec[i++] = 0;
	GEV_GO_RT0(0, (char **)vec);
	started = 1;
}

/* The one symbol the core exports (capi/gocore/core.map): starts the
 * runtime once, then fills ops. Called by the C layer under its own
 * pthread_once, never in a child forked after the runtime started. */
int goevent_core_attach(struct gev_core_ops *ops, const struct gev_services *svc)
{
	pthread_once(&start_once, start_runtime);
	if (!started)
		return -1;
	return goevent_core_attach_go(ops, (struct gev_services *)svc);
}
