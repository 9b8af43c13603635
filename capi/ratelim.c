/*
 * ratelim.c - rate limiting (event2/bufferevent.h): token-bucket
 * configurations are C memory owned here; buckets and groups live in the Go
 * core (core/ratelim*.go), which reads struct ev_token_bucket_cfg as laid out
 * below (cTokenBucketCfg).
 *
 * Calls into the core hold the base lock (see bufferevent.c): the
 * bufferevent's base's, or the group's. A group's handle does not name its
 * base, so groups made on a base with a lock are remembered here (a short
 * list: groups are few and their calls rare).
 */
#include <event2/bufferevent.h>
#include <event2/bufferevent_struct.h>

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "capi.h"

/* Layout mirrored by core/ratelim.go (cTokenBucketCfg). */
struct ev_token_bucket_cfg {
	size_t read_rate;
	size_t read_maximum;
	size_t write_rate;
	size_t write_maximum;
	struct timeval tick_timeout;
	unsigned msec_per_tick;
};
_Static_assert(sizeof(struct ev_token_bucket_cfg) == 56, "core/ratelim.go mirrors this layout");

/* libevent's COMMON_TIMEOUT_MICROSECONDS_MASK. */
#define GEV_USEC_MASK 0x000fffff

struct ev_token_bucket_cfg *ev_token_bucket_cfg_new(size_t read_rate, size_t read_burst,
    size_t write_rate, size_t write_burst, const struct timeval *tick_len)
{
	struct timeval one = { 1, 0 };
	struct ev_token_bucket_cfg *r;
	if (!tick_len)
		tick_len = &one;
	/* libevent refuses these silently. */
	if (read_rate > read_burst || write_rate > write_burst || read_rate < 1 || write_rate < 1)
		return NULL;
	if (read_rate > EV_RATE_LIMIT_MAX || write_rate > EV_RATE_LIMIT_MAX ||
	    read_burst > EV_RATE_LIMIT_MAX || write_burst > EV_RATE_LIMIT_MAX)
		return NULL;
	r = gev_calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->read_rate = read_rate;
	r->write_rate = write_rate;
	r->read_maximum = read_burst;
	r->write_maximum = write_burst;
	r->tick_timeout = *tick_len;
	r->msec_per_tick = (unsigned)(tick_len->tv_sec * 1000 + (tick_len->tv_usec & GEV_USEC_MASK) / 1000);
	return r;
}

void ev_token_bucket_cfg_free(struct ev_token_bucket_cfg *cfg)
{
	gev_free(cfg);
}

/* ---- groups made on a base with a lock: handle -> base ---- */

struct grp_ent {
	const void *g;
	struct event_base *base;
};
static struct grp_ent *grps;
static size_t ngrps, capgrps;
static pthread_mutex_t grps_mu = PTHREAD_MUTEX_INITIALIZER;

static void grp_remember(const void *g, struct event_base *base)
{
	pthread_mutex_lock(&grps_mu);
	if (ngrps == capgrps) {
		size_t cap = capgrps ? 2 * capgrps : 8;
		struct grp_ent *n = gev_realloc(grps, cap * sizeof *n);
		if (!n) {
			pthread_mutex_unlock(&grps_mu);
			gev_warnx("bufferevent_rate_limit_group_new: out of memory: the group's calls will not take its base's lock");
			return;
		}
		grps = n;
		capgrps = cap;
	}
	grps[ngrps].g = g;
	grps[ngrps].base = base;
	__atomic_store_n(&ngrps, ngrps + 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&grps_mu);
}

static void grp_forget(const void *g)
{
	if (!__atomic_load_n(&ngrps, __ATOMIC_ACQUIRE))
		return;
	pthread_mutex_lock(&grps_mu);
	for (size_t i = 0; i < ngrps; i++) {
		if (grps[i].g == g) {
			grps[i] = grps[ngrps - 1];
			__atomic_store_n(&ngrps, ngrps - 1, __ATOMIC_RELEASE);
			break;
		}
	}
	pthread_mutex_unlock(&grps_mu);
}

/* Takes the lock of g's base (NULL: none, the usual case: no lookup). */
static struct gev_thread *grp_lock(const void *g)
{
	struct event_base *base = NULL;
	if (!g || !__atomic_load_n(&ngrps, __ATOMIC_ACQUIRE))
		return NULL;
	pthread_mutex_lock(&grps_mu);
	for (size_t i = 0; i < ngrps; i++) {
		if (grps[i].g == g) {
			base = grps[i].base;
			break;
		}
	}
	pthread_mutex_unlock(&grps_mu);
	return base ? gev_base_lock(base) : NULL;
}

static int bev_ok(struct bufferevent *bev, const char *fn)
{
	if (!bev) {
		gev_warnx("%s: NULL bufferevent", fn);
		return 0;
	}
	return gev_core_ready(fn) == 0;
}

int bufferevent_set_rate_limit(struct bufferevent *bev, struct ev_token_bucket_cfg *cfg)
{
	if (!bev_ok(bev, "bufferevent_set_rate_limit"))
		return -1;
	struct gev_thread *th = gev_bev_lock(bev);
	int r = gev_ops.bev_set_rate_limit(bev, cfg);
	gev_base_unlock(th);
	return r;
}

const struct ev_token_bucket_cfg *bufferevent_get_token_bucket_cfg(const struct bufferevent *bev)
{
	if (!bev_ok((struct bufferevent *)bev, "bufferevent_get_token_bucket_cfg"))
		return NULL;
	struct gev_thread *th = gev_bev_lock((struct bufferevent *)bev);
	struct ev_token_bucket_cfg *r = gev_ops.bev_get_token_bucket_cfg((struct bufferevent *)bev);
	gev_base_unlock(th);
	return r;
}

ev_ssize_t bufferevent_get_read_limit(struct bufferevent *bev)
{
	if (!bev_ok(bev, "bufferevent_get_read_limit"))
		return -1;
	struct gev_thread *th = gev_bev_lock(bev);
	ev_ssize_t r = (ev_ssize_t)gev_ops.bev_get_limit(bev, 0);
	gev_base_unlock(th);
	return r;
}

ev_ssize_t bufferevent_get_write_limit(struct bufferevent *bev)
{
	if (!bev_ok(bev, "bufferevent_get_write_limit"))
		return -1;
	struct gev_thread *th = gev_bev_lock(bev);
	ev_ssize_t r = (ev_ssize_t)gev_ops.bev_get_limit(bev, 1);
	gev_base_unlock(th);
	return r;
}

int bufferevent_decrement_read_limit(struct bufferevent *bev, ev_ssize_t decr)
{
	if (!bev_ok(bev, "bufferevent_decrement_read_limit"))
		return -1;
	struct gev_thread *th = gev_bev_lock(bev);
	int r = gev_ops.bev_decrement_limit(bev, 0, (int64_t)decr);
	gev_base_unlock(th);
	return r;
}

int bufferevent_decrement_write_limit(struct bufferevent *bev, ev_ssize_t decr)
{
	if (!bev_ok(bev, "bufferevent_decrement_write_limit"))
		return -1;
	struct gev_thread *th = gev_bev_lock(bev);
	int r = gev_ops.bev_decrement_limit(bev, 1, (int64_t)decr);
	gev_base_unlock(th);
	return r;
}

struct bufferevent_rate_limit_group *bufferevent_rate_limit_group_new(struct event_base *base,
    const struct ev_token_bucket_cfg *cfg)
{
	if (!cfg) {
		gev_warnx("bufferevent_rate_limit_group_new: NULL cfg");
		return NULL;
	}
	if (gev_base_adopt(base, "bufferevent_rate_limit_group_new") < 0)
		return NULL;
	struct gev_thread *th = gev_base_lock(base);
	struct bufferevent_rate_limit_group *g = gev_ops.rlgroup_new(base, (struct ev_token_bucket_cfg *)cfg);
	if (g && gev_base_lock_object(base))
		grp_remember(g, base);
	gev_base_unlock(th);
	return g;
}

int bufferevent_rate_limit_group_set_cfg(struct bufferevent_rate_limit_group *g,
    const struct ev_token_bucket_cfg *cfg)
{
	if (!g || !cfg)
		return -1; /* libevent: silently */
	if (gev_core_ready("bufferevent_rate_limit_group_set_cfg") < 0)
		return -1;
	struct gev_thread *th = grp_lock(g);
	int r = gev_ops.rlgroup_set_cfg(g, (struct ev_token_bucket_cfg *)cfg);
	gev_base_unlock(th);
	return r;
}

int bufferevent_rate_limit_group_set_min_share(struct bufferevent_rate_limit_group *g, size_t share)
{
	if (gev_core_ready("bufferevent_rate_limit_group_set_min_share") < 0)
		return -1;
	struct gev_thread *th = grp_lock(g);
	int r = gev_ops.rlgroup_set_min_share(g, share);
	gev_base_unlock(th);
	return r;
}

void bufferevent_rate_limit_group_free(struct bufferevent_rate_limit_group *g)
{
	if (gev_core_ready("bufferevent_rate_limit_group_free") == 0) {
		struct gev_thread *th = grp_lock(g);
		grp_forget(g); /* first: the handle may be reused once freed */
		gev_ops.rlgroup_free(g);
		gev_base_unlock(th);
	}
}

ev_ssize_t bufferevent_rate_limit_group_get_read_limit(struct bufferevent_rate_limit_group *g)
{
	if (gev_core_ready("bufferevent_rate_limit_group_get_read_limit") < 0)
		return -1;
	struct gev_thread *th = grp_lock(g);
	ev_ssize_t r = (ev_ssize_t)gev_ops.rlgroup_get_limit(g, 0);
	gev_base_unlock(th);
	return r;
}

ev_ssize_t bufferevent_rate_limit_group_get_write_limit(struct bufferevent_rate_limit_group *g)
{
	if (gev_core_ready("bufferevent_rate_limit_group_get_write_limit") < 0)
		return -1;
	struct gev_thread *th = grp_lock(g);
	ev_ssize_t r = (ev_ssize_t)gev_ops.rlgroup_get_limit(g, 1);
	gev_base_unlock(th);
	return r;
}

int bufferevent_rate_limit_group_decrement_read(struct bufferevent_rate_limit_group *g, ev_ssize_t decr)
{
	if (gev_core_ready("bufferevent_rate_limit_group_decrement_read") < 0)
		return -1;
	struct gev_thread *th = grp_lock(g);
	int r = gev_ops.rlgroup_decrement(g, 0, (int64_t)decr);
	gev_base_unlock(th);
	return r;
}

int bufferevent_rate_limit_group_decrement_write(struct bufferevent_rate_limit_group *g, ev_ssize_t decr)
{
	if (gev_core_ready("bufferevent_rate_limit_group_decrement_write") < 0)
		return -1;
	struct gev_thread *th = grp_lock(g);
	int r = gev_ops.rlgroup_decrement(g, 1, (int64_t)decr);
	gev_base_unlock(th);
	return r;
}

void bufferevent_rate_limit_group_get_totals(struct bufferevent_rate_limit_group *g,
    ev_uint64_t *total_read_out, ev_uint64_t *total_written_out)
{
	if (gev_core_ready("bufferevent_rate_limit_group_get_totals") == 0) {
		struct gev_thread *th = grp_lock(g);
		gev_ops.rlgroup_totals(g, (uint64_t *)total_read_out, (uint64_t *)total_written_out, 0);
		gev_base_unlock(th);
	}
}

void bufferevent_rate_limit_group_reset_totals(struct bufferevent_rate_limit_group *g)
{
	if (gev_core_ready("bufferevent_rate_limit_group_reset_totals") == 0) {
		struct gev_thread *th = grp_lock(g);
		gev_ops.rlgroup_totals(g, NULL, NULL, 1);
		gev_base_unlock(th);
	}
}

int bufferevent_add_to_rate_limit_group(struct bufferevent *bev, struct bufferevent_rate_limit_group *g)
{
	if (!bev_ok(bev, "bufferevent_add_to_rate_limit_group"))
		return -1;
	struct gev_thread *th = gev_bev_lock(bev);
	int r = gev_ops.bev_add_to_rlgroup(bev, g);
	gev_base_unlock(th);
	return r;
}

int bufferevent_remove_from_rate_limit_group(struct bufferevent *bev)
{
	if (!bev_ok(bev, "bufferevent_remove_from_rate_limit_group"))
		return -1;
	struct gev_thread *th = gev_bev_lock(bev);
	int r = gev_ops.bev_remove_from_rlgroup(bev);
	gev_base_unlock(th);
	return r;
}
