/* mem.c - the C layer's allocator: every allocation of ours goes through the
 * functions a program installs with event_set_mem_functions (as libevent's
 * mm_malloc/mm_free do). Buffer memory is not C-layer memory: the core maps it
 * (internal/cmem) and never calls these. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capi.h"

static void *(*mem_malloc)(size_t) = NULL;
static void *(*mem_realloc)(void *, size_t) = NULL;
static void (*mem_free)(void *) = NULL;

void event_set_mem_functions(void *(*malloc_fn)(size_t sz),
    void *(*realloc_fn)(void *ptr, size_t sz), void (*free_fn)(void *ptr))
{
	mem_malloc = malloc_fn;
	mem_realloc = realloc_fn;
	mem_free = free_fn;
}

void *gev_malloc(size_t n)
{
	if (n == 0)
		return NULL;
	return mem_malloc ? mem_malloc(n) : malloc(n);
}

void *gev_calloc(size_t count, size_t size)
{
	if (count == 0 || size == 0)
		return NULL;
	if (count > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	if (!mem_malloc)
		return calloc(count, size);
	void *p = mem_malloc(count * size);
	if (p)
		memset(p, 0, count * size);
	return p;
}

void *gev_realloc(void *p, size_t n)
{
	return mem_realloc ? mem_realloc(p, n) : realloc(p, n);
}

void gev_free(void *p)
{
	if (!p)
		return;
	if (mem_free)
		mem_free(p);
	else
		free(p);
}

/* libevent's own names for the same functions (tools/abi/internal-exports.txt):
 * libevent_pthreads allocates its locks through them. */
void *event_mm_malloc_(size_t sz) { return gev_malloc(sz); }
void *event_mm_calloc_(size_t count, size_t size) { return gev_calloc(count, size); }
void *event_mm_realloc_(void *p, size_t sz) { return gev_realloc(p, sz); }
void event_mm_free_(void *p) { gev_free(p); }

char *event_mm_strdup_(const char *str)
{
	if (!str) {
		errno = EINVAL;
		return NULL;
	}
	size_t n = strlen(str) + 1;
	char *p = gev_malloc(n);
	if (p)
		memcpy(p, str, n);
	return p;
}
