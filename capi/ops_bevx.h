/* ops_bevx.h - the core's entry points for bufferevent pairs, filters and rate limiting: one X(ret, name, params) line each.
 * Part of GEV_CORE_OPS (gev_internal.h); Go exports each as goevent_<name>. */
#ifndef GEV_OPS_BEVX_H
#define GEV_OPS_BEVX_H
struct ev_token_bucket_cfg;
struct bufferevent_rate_limit_group;
#define GEV_OPS_BEVX(X) \
	X(int, bev_pair_new, (struct event_base *base, int options, struct bufferevent **pair)) \
	X(struct bufferevent *, bev_pair_get_partner, (struct bufferevent *bev)) \
	X(struct bufferevent *, bev_filter_new, (struct bufferevent *underlying, void *in, void *out, int options, void *free_ctx, void *ctx, void *tr_read, void *tr_write, void *tr_event)) \
	X(void, bev_filter_cb, (struct bufferevent *filter, int kind, short what, int err)) \
	X(struct bufferevent *, bev_get_underlying, (struct bufferevent *bev)) \
	X(int, bev_set_rate_limit, (struct bufferevent *bev, struct ev_token_bucket_cfg *cfg)) \
	X(struct ev_token_bucket_cfg *, bev_get_token_bucket_cfg, (struct bufferevent *bev)) \
	X(int64_t, bev_get_limit, (struct bufferevent *bev, int write)) \
	X(int, bev_decrement_limit, (struct bufferevent *bev, int write, int64_t decr)) \
	X(struct bufferevent_rate_limit_group *, rlgroup_new, (struct event_base *base, struct ev_token_bucket_cfg *cfg)) \
	X(void, rlgroup_free, (struct bufferevent_rate_limit_group *g)) \
	X(int, rlgroup_set_cfg, (struct bufferevent_rate_limit_group *g, struct ev_token_bucket_cfg *cfg)) \
	X(int, rlgroup_set_min_share, (struct bufferevent_rate_limit_group *g, size_t share)) \
	X(int64_t, rlgroup_get_limit, (struct bufferevent_rate_limit_group *g, int write)) \
	X(int, rlgroup_decrement, (struct bufferevent_rate_limit_group *g, int write, int64_t decr)) \
	X(int, rlgroup_totals, (struct bufferevent_rate_limit_group *g, uint64_t *rd, uint64_t *wr, int reset)) \
	X(int, bev_add_to_rlgroup, (struct bufferevent *bev, struct bufferevent_rate_limit_group *g)) \
	X(int, bev_remove_from_rlgroup, (struct bufferevent *bev))

#endif
