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
 * this file only. Until the program makes its first event_base (capi/loader.c
 * calls goevent_core_prestart) or otherwise first needs the core
 * (goevent_core_attach), the core is inert mapped memory: no Go thread, no
 * signal handler. The runtime then initialises on a thread of its own while
 * the program goes on, and the first call into Go waits for it; a fork
 * meanwhile leaves the child what a fork after the runtime ran leaves it (see
 * "Restart" below; tests/c/ours/fork_prestart).
 *
 * The runtime expects what the kernel gave the program: argc, argv, the
 * environment and, after it, the auxiliary vector (page size, vDSO, random
 * seed). The original vectors may have been rewritten by then (daemons
 * overwrite argv and move environ for their process titles), so we hand it
 * a vector of our own: no arguments, the environment as it is now (so
 * GODEBUG and friends set before the first call count, with the core's own
 * runtime settings ahead of the program's GODEBUG: godebug_core), the auxv
 * entries the runtime reads from getauxval(3), and 16 fresh random bytes for
 * AT_RANDOM (the kernel's are shared by every process forked from one exec).
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
 * relative ones are there, packed in DT_RELR or R_X86_64_RELATIVE: the
 * core's symbols are local), its handlers replaced by the ones they
 * replaced (on_fork_child does that at the fork already), TLS zeroed, the
 * key deleted --
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/resource.h>
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

/* Run by the core's package init (capi/gocore/attach.c). */
extern void (*gev_init_hook)(void);

extern char **environ;

static pthread_once_t start_once = PTHREAD_ONCE_INIT;
static int started;      /* the runtime was started in this image */
static int no_threads;   /* it was not: this process may not create threads */
static pid_t start_pid;  /* by this process */

/* The runtime keeps a slice of the auxv part for the life of the process. */
static unsigned char random_seed[16];

/* The signals a Go runtime started as a library installs handlers for: the
 * synchronous ones it turns into panics, SIGPIPE, and its preemption signal
 * (runtime/signal_unix.go, sigInstallGoHandler). Their dispositions before the
 * runtime started are kept, so that a forked child can have them back; a
 * handler of the runtime found on any other signal goes back to SIG_DFL.
 * Asking the kernel for these five instead of all 64 saves 59 system calls at
 * every start. */
static const int go_sigs[] = { SIGBUS, SIGFPE, SIGSEGV, SIGPIPE, SIGURG };
#define N_GO_SIGS (sizeof go_sigs / sizeof go_sigs[0])
static struct sigaction before_go[N_GO_SIGS];

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

/* The stack bounds of the process's initial thread. runtime/cgo asks
 * pthread_getattr_np for the stack of every C thread the first time it calls
 * into Go; for the initial thread glibc finds it by reading and parsing
 * /proc/self/maps (~0.15 ms with the runtime's mappings), which would be the
 * first thing the program's first dispatch does. So the core is linked with
 * --wrap=pthread_getattr_np (only the core's own calls are wrapped): when the
 * initial thread started the runtime, the runtime's first call (x_cgo_init,
 * on its own thread, at the very start of its initialisation) also works out
 * the initial thread's stack, which the initial thread then gets from here;
 * the program went on meanwhile. main_stack_bounds computes what glibc's
 * pthread_getattr_np does for the initial thread, but without calling it: it
 * takes the target thread's lock, and a fork while the runtime's thread held
 * the initial thread's lock would leave it locked in the child, whose initial
 * thread that is (fork_prestart hung so). */
static int main_thread_starter;    /* the initial thread started the runtime */
static pthread_t main_thread;
static int main_stack_claimed;     /* a runtime thread is working it out */
static int main_stack_cached;
static void *main_stack_addr;
static size_t main_stack_size;

extern void *__libc_stack_end;

/* glibc's computation (nptl/pthread_getattr_np.c) with raw reads: the mapping
 * holding __libc_stack_end, the stack from the page above it down to the
 * soft RLIMIT_STACK (page-aligned), cut at the end of the mapping below. */
static int main_stack_bounds(void **addr, size_t *size)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE), at = (uintptr_t)__libc_stack_end;
	uintptr_t stack_end = (at & -page) + page, last_to = 0;
	struct rlimit rl;
	char buf[8192];
	size_t have = 0;
	int found = 0, fd;
	if (getrlimit(RLIMIT_STACK, &rl) != 0 || (fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	for (;;) {
		ssize_t n = read(fd, buf + have, sizeof buf - have);
		if (n <= 0)
			break;
		have += (size_t)n;
		char *line = buf, *nl;
		while (!found && (nl = memchr(line, '\n', have - (size_t)(line - buf)))) {
			uintptr_t from = strtoul(line, &line, 16), to = 0;
			if (*line == '-')
				to = strtoul(line + 1, NULL, 16);
			if (from <= at && at < to) {
				size_t sz = (rl.rlim_cur - (size_t)(to - stack_end)) & -page;
				if (sz > stack_end - last_to)
					sz = stack_end - last_to;
				*addr = (void *)(stack_end - sz);
				*size = sz;
				found = 1;
			}
			last_to = to;
			line = nl + 1;
		}
		if (found)
			break;
		have -= (size_t)(line - buf);
		memmove(buf, line, have);
		if (have == sizeof buf) /* a line longer than the buffer */
			break;
	}
	close(fd);
	return found ? 0 : -1;
}

int __real_pthread_getattr_np(pthread_t th, pthread_attr_t *attr);
int __wrap_pthread_getattr_np(pthread_t th, pthread_attr_t *attr)
{
	if (!main_thread_starter)
		return __real_pthread_getattr_np(th, attr);
	if (pthread_equal(th, main_thread)) {
		if (__atomic_load_n(&main_stack_cached, __ATOMIC_ACQUIRE) && pthread_attr_init(attr) == 0) {
			if (pthread_attr_setstack(attr, main_stack_addr, main_stack_size) == 0)
				return 0;
			pthread_attr_destroy(attr);
		}
		return __real_pthread_getattr_np(th, attr);
	}
	if (!__atomic_exchange_n(&main_stack_claimed, 1, __ATOMIC_ACQ_REL) &&
	    main_stack_bounds(&main_stack_addr, &main_stack_size) == 0)
		__atomic_store_n(&main_stack_cached, 1, __ATOMIC_RELEASE);
	return __real_pthread_getattr_np(th, attr);
}

/* RLIMIT_NOFILE. The runtime's package syscall raises the soft limit to the
 * hard limit - 1 when it starts (Go's choice for Go programs,
 * go.dev/issue/46279); libevent leaves the program's limits alone, and a C
 * program may rely on its soft limit (select(2) and FD_SETSIZE, tables sized
 * by it). start_runtime records the limit; the core's package init, which
 * runs after syscall's, puts it back unless something else changed it. */
static struct rlimit nofile_before;
static int nofile_saved;

static void nofile_restore(void)
{
	struct rlimit now;
	if (!nofile_saved || getrlimit(RLIMIT_NOFILE, &now) != 0)
		return;
	if (now.rlim_max == nofile_before.rlim_max && now.rlim_cur != nofile_before.rlim_cur &&
	    now.rlim_cur == now.rlim_max - 1)
		setrlimit(RLIMIT_NOFILE, &nofile_before);
}

static void package_init_hook(void)
{
	nofile_restore();
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
	const uint64_t *relr;           /* DT_RELR: packed relative relocations */
	size_t nrelr;
	size_t tls_size;                /* this object's TLS block (PT_TLS) */
};
static struct image img;

/* The disposition signal s had before the runtime started. */
static struct sigaction disposition_before(int s, const struct sigaction *saved)
{
	struct sigaction dfl;
	for (size_t k = 0; k < N_GO_SIGS; k++)
		if (go_sigs[k] == s)
			return saved[k];
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	return dfl;
}

static int in_text(uintptr_t h, const struct image *im)
{
	return h >= im->text_lo && h < im->text_hi;
}

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
		else if (dyn->d_tag == DT_RELR)
			im->relr = (const uint64_t *)(v < im->base ? v + im->base : v);
		else if (dyn->d_tag == DT_RELRSZ)
			im->nrelr = v / sizeof(uint64_t);
	}
	if (!rw_vaddr || (!im->rela && !im->relr) || relro_end > rw_vaddr + rw_filesz)
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

/* In a child forked after the runtime started, that runtime never runs
 * again: its signal handlers go at once, so that a SIGSEGV or SIGPIPE in the
 * child before it starts a runtime of its own does what it does in a C
 * program (it used to run the dead runtime's handler, which may hang on the
 * locks of threads the child does not have). */
static void on_fork_child(void)
{
	if (!started)
		return;
	gev_forked = 1;
	for (size_t k = 0; k < N_GO_SIGS; k++) {
		struct sigaction cur;
		if (sigaction(go_sigs[k], NULL, &cur) == 0 && in_text((uintptr_t)cur.sa_handler, &img))
			sigaction(go_sigs[k], &before_go[k], NULL);
	}
}

__attribute__((constructor)) static void lazystart_init(void)
{
	dl_iterate_phdr(find_image, &img);
	pthread_atfork(NULL, NULL, on_fork_child);
}

/* The runtime settings the core starts its runtime with, as GODEBUG
 * settings ahead of the program's own GODEBUG, which the runtime reads after
 * them: a setting the program's environment makes wins
 * (docs/ARCHITECTURE.md, "Runtime settings").
 *   asyncpreemptoff=1: the runtime does not preempt goroutines with SIGURG.
 *     The core's Go code runs in short calls from C threads, between which
 *     they are in C; a signal there is of no use to the runtime, and lands on
 *     the program's threads (the loop thread, mostly) and interrupts their
 *     system calls. Goroutines are still preempted at function calls.
 * The runtime gets the program's environment with GODEBUG replaced by the
 * result; the program's environment is not changed. */
static const char godebug_core[] = "asyncpreemptoff=1";

/* godebug_size is the size of the "GODEBUG=..." string godebug_write makes
 * (both read the program's GODEBUG at the same moment, in start_runtime). */
static size_t godebug_size(void)
{
	const char *mine = getenv("GODEBUG");
	return sizeof "GODEBUG=" + sizeof godebug_core + (mine ? strlen(mine) + 1 : 0);
}

static void godebug_write(char *s, size_t n)
{
	const char *mine = getenv("GODEBUG");
	snprintf(s, n, "GODEBUG=%s%s%s", godebug_core, mine && *mine ? "," : "", mine ? mine : "");
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
	for (size_t k = 0; k < N_GO_SIGS; k++)
		sigaction(go_sigs[k], NULL, &before_go[k]);
	size_t nenv = 0;
	while (environ && environ[nenv])           /* NULL after clearenv(3) */
		nenv++;
	size_t nkeys = sizeof keys / sizeof keys[0];
	/* argv's NULL, the environment (+ GODEBUG) and its NULL, auxv pairs (+ AT_RANDOM, AT_NULL) */
	size_t n = 1 + nenv + 2 + 2 * (nkeys + 2);
	size_t gdn = godebug_size();
	/* Kept: the runtime points into it (the vector, then the GODEBUG string).
	 * Mapped, not malloc'ed: a block malloc'ed now would stay at the top of
	 * glibc's heap for good and keep it from shrinking below (the core often
	 * starts while a program's heap is at its largest: after it added its
	 * timers). */
	uintptr_t *vec = mmap(NULL, n * sizeof *vec + gdn, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vec == MAP_FAILED)
		return;
	char *godebug = (char *)(vec + n);
	godebug_write(godebug, gdn);
	size_t i = 0;
	vec[i++] = 0;                              /* argc = 0: argv is empty */
	for (size_t k = 0; k < nenv; k++)
		if (strncmp(environ[k], "GODEBUG=", 8) != 0)
			vec[i++] = (uintptr_t)environ[k];
	vec[i++] = (uintptr_t)godebug;
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
	nofile_saved = getrlimit(RLIMIT_NOFILE, &nofile_before) == 0;
	gev_init_hook = package_init_hook;
	start_pid = getpid();
	main_thread_starter = gettid() == start_pid;
	main_thread = pthread_self();
	GEV_GO_RT0(0, (char **)vec);
	started = 1;
}

/* The packed relative relocations (DT_RELR: the Makefile links with
 * -z pack-relative-relocs, which keeps the table 70 times smaller than its
 * RELA form and spares the dynamic linker ~0.2 ms at every start) that fall
 * in the restored range: each adds the load address to the word the file
 * holds there. An even entry is the offset of a word to relocate (the next
 * word follows it); an odd one a bitmap of the 63 words after the last. */
static void relr_apply(const struct image *im)
{
	uintptr_t *where = NULL;
	for (size_t r = 0; r < im->nrelr; r++) {
		uint64_t e = im->relr[r];
		if ((e & 1) == 0) {
			where = (uintptr_t *)(im->base + e);
			if ((uintptr_t)where >= im->data_lo && (uintptr_t)where < im->data_hi)
				*where += im->base;
			where++;
			continue;
		}
		for (size_t i = 0; (e >>= 1) != 0; i++)
			if ((e & 1) && (uintptr_t)(where + i) >= im->data_lo && (uintptr_t)(where + i) < im->data_hi)
				where[i] += im->base;
		where += 63;
	}
}

/* Puts the image back as the dynamic linker left it (see the top comment).
 * Runs in a single-threaded child with no Go frame on its stack. Everything
 * it needs is copied to its stack first: the wipe takes this file's
 * statics with it. 0, or -1 if the image cannot be restored. */
static int restore_image(void)
{
	struct image im = img;
	struct sigaction saved[N_GO_SIGS];
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
		if (sigaction(s, NULL, &cur) != 0 || !in_text((uintptr_t)cur.sa_handler, &im))
			continue;
		struct sigaction before = disposition_before(s, saved);
		sigaction(s, &before, NULL);
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
	relr_apply(&im);
	img = im;
	return 0;
}

/* Starts the runtime once per process (in a child forked after it started:
 * puts the image back first). Returns at once: the runtime initialises on a
 * thread of its own, and the first call into Go waits for it. 0, -1,
 * GEV_ATTACH_IN_CALLBACK or GEV_ATTACH_NO_THREADS. */
static int start(void)
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
	return 0;
}

/* The core's exports (capi/gocore/core.map), called by the C layer
 * (capi/loader.c) under its load lock. goevent_core_prestart starts the
 * runtime early, when the program makes its first event_base, so that it
 * initialises while the program goes on setting up; goevent_core_attach
 * starts it if that has not happened, waits for it and fills ops, when the
 * program first needs the core, in the parent and again in a forked child. */
void goevent_core_prestart(void)
{
	(void)start();
}

int goevent_core_attach(struct gev_core_ops *ops, const struct gev_services *svc)
{
	int r = start();
	if (r != 0)
		return r;
	return goevent_core_attach_go(ops, (struct gev_services *)svc);
}
