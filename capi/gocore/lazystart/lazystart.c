/*
 * lazystart.c - starts the Go runtime of libgoevent_core-2.1.so.7 on first
 * use instead of at load time, and starts it afresh in a child forked after
 * it ran.
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
 *
 * Restart in a forked child. A child forked after the runtime started has
 * the runtime's memory but not its threads, so that runtime can never run
 * there again. But all of a Go runtime's state is in this object's writable
 * data (.data, .bss: the scheduler, the heap's metadata, the C parts of
 * runtime/cgo), plus a few things outside it that we can name: the signal
 * handlers it installed, its TLS slot on this thread, the pthread key
 * runtime/cgo made, and memory it mapped (left alone: it is the parent's,
 * shared copy-on-write). So when such a child first needs the core,
 * goevent_core_attach puts the image back as the dynamic linker left it --
 * .data copied from the file (mapped at load, so reachable after a chroot),
 * .bss zeroed, the relocations into that range applied again (only
 * R_X86_64_RELATIVE ones are there: the core's symbols are local), its
 * handlers replaced by the ones they replaced, TLS zeroed, the key deleted --
 * and starts the runtime again, as if the child had loaded the core first.
 * The relro part (GOT, type data) is read-only after load, so the runtime
 * never changed it. Not possible while a callback the old runtime called is
 * still on this thread's stack (gev_cb_depth > 0): then attach returns
 * GEV_ATTACH_IN_CALLBACK and the C layer says so; the child can use the core
 * once that callback has returned (capi/gev_fork.h). Left behind in the
 * child: the old runtime's mappings and its two poller descriptors.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#include "gev_internal.h"
#include "gev_fork.h"

/* Go's library entry point (asm; C ABI: argc, argv): saves them, installs
 * the runtime's synchronous signal handlers and starts a thread that
 * initialises the runtime. Exported calls wait for that to finish. */
extern void GEV_GO_RT0(int argc, char **argv);

/* The Go export behind goevent_core_attach (capi/gocore/main.go). */
extern int goevent_core_attach_go(struct gev_core_ops *ops, struct gev_services *svc);

extern char **environ;

static pthread_once_t start_once = PTHREAD_ONCE_INIT;
static int started;      /* the runtime was started in this image */
static int no_threads;   /* it was not: this process may not create threads */
static pid_t start_pid;  /* by this process */

/* The runtime keeps a slice of the auxv part for the life of the process. */
static unsigned char random_seed[16];

/* Signal dispositions before the runtime started (restart: the runtime's
 * handlers go back to these). */
static struct sigaction before_go[GEV_NSIG];

/* runtime/cgo's pthread key (linked with --wrap=pthread_key_create: no
 * other code in the core makes keys). */
static pthread_key_t go_key;
static int go_key_made;

int __real_pthread_key_create(pthread_key_t *key, void (*destructor)(void *));
int __wrap_pthread_key_create(pthread_key_t *key, void (*destructor)(void *))
{
	int r = __real_pthread_key_create(key, destructor);
	if (r == 0) {
		go_key = *key;
		go_key_made = 1;
	}
	return r;
}

/* This object as the dynamic linker mapped it, found at load. */
struct image {
	uintptr_t base;                 /* load address */
	uintptr_t text_lo, text_hi;     /* the executable segment */
	uintptr_t data_lo, data_hi;     /* writable and not relro: restored from the file */
	uintptr_t bss_hi;               /* [data_hi, bss_hi) zeroed */
	const unsigned char *file_data; /* the file's bytes of [data_lo, data_hi) (private map) */
	const Elf64_Rela *rela;         /* DT_RELA */
	size_t nrela;
	size_t tls_size;                /* this object's TLS block (PT_TLS) */
};
static struct image img;

static int find_image(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	struct image *im = arg;
	uintptr_t me = (uintptr_t)&find_image, relro_end = 0, rw_vaddr = 0, rw_off = 0;
	uintptr_t rw_filesz = 0, rw_memsz = 0;
	const ElfW(Dyn) *dyn = NULL;
	int mine = 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *p = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + p->p_vaddr;
		if (p->p_type == PT_LOAD && me >= lo && me < lo + p->p_memsz)
			mine = 1;
	}
	if (!mine)
		return 0;
	im->base = info->dlpi_addr;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *p = &info->dlpi_phdr[i];
		if (p->p_type == PT_LOAD && (p->p_flags & PF_X)) {
			im->text_lo = im->base + p->p_vaddr;
			im->text_hi = im->text_lo + p->p_memsz;
		} else if (p->p_type == PT_LOAD && (p->p_flags & PF_W)) {
			rw_vaddr = p->p_vaddr;
			rw_off = p->p_offset;
			rw_filesz = p->p_filesz;
			rw_memsz = p->p_memsz;
		} else if (p->p_type == PT_GNU_RELRO) {
			relro_end = p->p_vaddr + p->p_memsz;
		} else if (p->p_type == PT_DYNAMIC) {
			dyn = (const ElfW(Dyn) *)(im->base + p->p_vaddr);
		} else if (p->p_type == PT_TLS) {
			im->tls_size = p->p_memsz;
		}
	}
	if (relro_end < rw_vaddr)
		relro_end = rw_vaddr;
	for (; dyn && dyn->d_tag != DT_NULL; dyn++) {
		uintptr_t v = dyn->d_un.d_ptr;
		if (dyn->d_tag == DT_RELA) /* glibc relocates .dynamic in place */
			im->rela = (const Elf64_Rela *)(v < im->base ? v + im->base : v);
		else if (dyn->d_tag == DT_RELASZ)
			im->nrela = v / sizeof(Elf64_Rela);
	}
	if (!rw_vaddr || !im->rela || relro_end > rw_vaddr + rw_filesz)
		return 1;
	/* Map the file's bytes of the range now, while the file is reachable. */
	Dl_info dli;
	if (!dladdr((void *)&find_image, &dli) || !dli.dli_fname)
		return 1;
	int fd = open(dli.dli_fname, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 1;
	uintptr_t off = rw_off + (relro_end - rw_vaddr);
	uintptr_t page = off & ~(uintptr_t)(sysconf(_SC_PAGESIZE) - 1);
	size_t len = rw_off + rw_filesz - page;
	void *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, (off_t)page);
	close(fd);
	if (m == MAP_FAILED)
		return 1;
	im->file_data = (const unsigned char *)m + (off - page);
	im->data_lo = im->base + relro_end;
	im->data_hi = im->base + rw_vaddr + rw_filesz;
	im->bss_hi = im->base + rw_vaddr + rw_memsz;
	return 1;
}

/* This thread's TLS block of this object. */
static int tls_of_image(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	if (info->dlpi_addr != img.base)
		return 0;
	*(void **)arg = info->dlpi_tls_data;
	return 1;
}

static void on_fork_child(void)
{
	if (started)
		gev_forked = 1;
}

__attribute__((constructor)) static void lazystart_init(void)
{
	dl_iterate_phdr(find_image, &img);
	pthread_atfork(NULL, NULL, on_fork_child);
}

static void *no_op(void *arg) { return arg; }

/* The runtime cannot start without threads of its own: it initialises itself
 * on a new one, then adds sysmon and more; runtime/cgo aborts the process
 * when pthread_create fails. A process may be unable to make any: a non-root
 * user with RLIMIT_NPROC at 0, as privilege-separated daemons set it for
 * their unprivileged child before its first libevent call (ladvd). libevent
 * needs no thread there; we can only refuse instead of aborting, so one
 * thread is tried first. */
static int can_create_threads(void)
{
	pthread_t t;
	if (pthread_create(&t, NULL, no_op, NULL) != 0)
		return 0;
	pthread_join(t, NULL);
	return 1;
}

static void start_runtime(void)
{
	static const unsigned long keys[] = {
		AT_PAGESZ, AT_SYSINFO_EHDR, AT_SECURE, AT_HWCAP, AT_HWCAP2,
		AT_MINSIGSTKSZ, AT_PLATFORM,
	};
	if (!can_create_threads()) {
		no_threads = 1;
		return;
	}
	for (int s = 1; s < GEV_NSIG; s++)
		sigaction(s, NULL, &before_go[s]);
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
	start_pid = getpid();
	GEV_GO_RT0(0, (char **)vec);
	started = 1;
}

/* Puts the image back as the dynamic linker left it (see the top comment).
 * Runs in a single-threaded child with no Go frame on its stack. Everything
 * it needs is copied to its stack first: the wipe takes this file's
 * statics with it. 0, or -1 if the image cannot be restored. */
static int restore_image(void)
{
	struct image im = img;
	struct sigaction saved[GEV_NSIG];
	pthread_key_t key = go_key;
	int key_made = go_key_made;
	void *tls = NULL;

	if (!im.file_data)
		return -1;
	memcpy(saved, before_go, sizeof saved);
	for (size_t r = 0; r < im.nrela; r++) {  /* check before changing anything */
		uintptr_t at = im.base + im.rela[r].r_offset;
		if (at >= im.data_lo && at < im.bss_hi &&
		    ELF64_R_TYPE(im.rela[r].r_info) != R_X86_64_RELATIVE)
			return -1;
	}
	for (int s = 1; s < GEV_NSIG; s++) {
		struct sigaction cur;
		if (sigaction(s, NULL, &cur) != 0)
			continue;
		uintptr_t h = (uintptr_t)cur.sa_handler;
		if (h >= im.text_lo && h < im.text_hi)
			sigaction(s, &saved[s], NULL);
	}
	if (key_made) {
		pthread_setspecific(key, NULL);
		pthread_key_delete(key);
	}
	dl_iterate_phdr(tls_of_image, &tls);
	if (tls && im.tls_size)
		memset(tls, 0, im.tls_size);
	memcpy((void *)im.data_lo, im.file_data, im.data_hi - im.data_lo);
	memset((void *)im.data_hi, 0, im.bss_hi - im.data_hi);
	for (size_t r = 0; r < im.nrela; r++) {
		uintptr_t at = im.base + im.rela[r].r_offset;
		if (at >= im.data_lo && at < im.bss_hi)
			*(uintptr_t *)at = im.base + (uintptr_t)im.rela[r].r_addend;
	}
	img = im;
	return 0;
}

/* The one symbol the core exports (capi/gocore/core.map): starts the
 * runtime once per process, then fills ops. Called by the C layer when it
 * first needs the core, in the parent and again in a forked child. */
int goevent_core_attach(struct gev_core_ops *ops, const struct gev_services *svc)
{
	if (started && getpid() != start_pid) {
		if (gev_cb_depth > 0)
			return GEV_ATTACH_IN_CALLBACK;
		if (restore_image() != 0)
			return -1;
	}
	pthread_once(&start_once, start_runtime);
	if (!started)
		return no_threads ? GEV_ATTACH_NO_THREADS : -1;
	return goevent_core_attach_go(ops, (struct gev_services *)svc);
}
