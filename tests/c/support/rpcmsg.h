/*
 * rpcmsg.h - RPC message structures for the evtag/evrpc cases, written by
 * hand in the shape of the code libevent 2.1's event_rpcgen.py generates
 * (a program's .gen.h/.gen.c), so that the cases exercise the interface
 * such code relies on: a `base` pointer to a table of accessors (for the
 * EVTAG_* macros), `<member>_set` flags, arrays with `_length` and
 * `_num_allocated`, <struct>_new/_new_with_arg/_free/_clear/_marshal/
 * _unmarshal/_complete, evtag_marshal_<struct>/evtag_unmarshal_<struct>,
 * and event_warn/event_warnx, which generated code declares itself and
 * calls. The messages, as an .rpc file would describe them:
 *
 *   struct point    { int x = 1; int y = 2; }
 *   struct greet_req {
 *       string name = 1;
 *       int count = 2;
 *       optional int64 stamp = 3;
 *       optional struct[point] where = 4;
 *       array int values = 5;
 *       optional bytes digest[4] = 6;
 *   }
 *   struct greet_rpl {
 *       string text = 1;
 *       int sum = 2;
 *       optional bytes blob = 3;
 *   }
 *
 * Include it in one file; RPCMSG_RPCS also declares the RPCs Greet and
 * Slow (EVRPC_HEADER) and defines their senders (EVRPC_GENERATE).
 */
#ifndef GOEVENT_TESTS_C_RPCMSG_H
#define GOEVENT_TESTS_C_RPCMSG_H

#include <stdlib.h>
#include <string.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/rpc.h>
#include <event2/tag.h>
#include <event2/util.h>

/* generated code's functions are global; here they are static and may go
 * unused in a case */
#define RPCMSG_STATIC static __attribute__((unused))

/* what generated code declares (libevent exports them undeclared) */
void event_warn(const char *fmt, ...);
void event_warnx(const char *fmt, ...);

struct point;
struct greet_req;
struct greet_rpl;

/* ---- point ---- */
enum point_ { POINT_X = 1, POINT_Y = 2, POINT_MAX_TAGS };

struct point_access_ {
	int (*x_assign)(struct point *, const ev_uint32_t);
	int (*x_get)(struct point *, ev_uint32_t *);
	int (*y_assign)(struct point *, const ev_uint32_t);
	int (*y_get)(struct point *, ev_uint32_t *);
};

struct point {
	struct point_access_ *base;
	ev_uint32_t x_data;
	ev_uint32_t y_data;
	ev_uint8_t x_set;
	ev_uint8_t y_set;
};

RPCMSG_STATIC int point_x_assign(struct point *msg, const ev_uint32_t value)
{
	msg->x_set = 1;
	msg->x_data = value;
	return 0;
}
RPCMSG_STATIC int point_x_get(struct point *msg, ev_uint32_t *value)
{
	if (msg->x_set != 1)
		return -1;
	*value = msg->x_data;
	return 0;
}
RPCMSG_STATIC int point_y_assign(struct point *msg, const ev_uint32_t value)
{
	msg->y_set = 1;
	msg->y_data = value;
	return 0;
}
RPCMSG_STATIC int point_y_get(struct point *msg, ev_uint32_t *value)
{
	if (msg->y_set != 1)
		return -1;
	*value = msg->y_data;
	return 0;
}

RPCMSG_STATIC struct point_access_ point_base__ = {
	point_x_assign, point_x_get, point_y_assign, point_y_get,
};

RPCMSG_STATIC struct point *point_new_with_arg(void *unused)
{
	struct point *tmp;
	(void)unused;
	if ((tmp = malloc(sizeof(struct point))) == NULL) {
		event_warn("%s: malloc", __func__);
		return NULL;
	}
	tmp->base = &point_base__;
	tmp->x_data = 0;
	tmp->x_set = 0;
	tmp->y_data = 0;
	tmp->y_set = 0;
	return tmp;
}
RPCMSG_STATIC struct point *point_new(void) { return point_new_with_arg(NULL); }

RPCMSG_STATIC void point_clear(struct point *tmp)
{
	tmp->x_set = 0;
	tmp->y_set = 0;
}
RPCMSG_STATIC void point_free(struct point *tmp)
{
	free(tmp);
}
RPCMSG_STATIC void point_marshal(struct evbuffer *evbuf, const struct point *tmp)
{
	evtag_marshal_int(evbuf, POINT_X, tmp->x_data);
	evtag_marshal_int(evbuf, POINT_Y, tmp->y_data);
}
RPCMSG_STATIC int point_complete(struct point *msg)
{
	if (!msg->x_set || !msg->y_set)
		return -1;
	return 0;
}
RPCMSG_STATIC int point_unmarshal(struct point *tmp, struct evbuffer *evbuf)
{
	ev_uint32_t tag;
	while (evbuffer_get_length(evbuf) > 0) {
		if (evtag_peek(evbuf, &tag) == -1)
			return -1;
		switch (tag) {
		case POINT_X:
			if (tmp->x_set)
				return -1;
			if (evtag_unmarshal_int(evbuf, POINT_X, &tmp->x_data) == -1) {
				event_warnx("%s: failed to unmarshal x", __func__);
				return -1;
			}
			tmp->x_set = 1;
			break;
		case POINT_Y:
			if (tmp->y_set)
				return -1;
			if (evtag_unmarshal_int(evbuf, POINT_Y, &tmp->y_data) == -1) {
				event_warnx("%s: failed to unmarshal y", __func__);
				return -1;
			}
			tmp->y_set = 1;
			break;
		default:
			return -1;
		}
	}
	if (point_complete(tmp) == -1)
		return -1;
	return 0;
}
RPCMSG_STATIC int evtag_unmarshal_point(struct evbuffer *evbuf, ev_uint32_t need_tag, struct point *msg)
{
	ev_uint32_t tag;
	int res = -1;
	struct evbuffer *tmp = evbuffer_new();
	if (evtag_unmarshal(evbuf, &tag, tmp) == -1 || tag != need_tag)
		goto error;
	if (point_unmarshal(msg, tmp) == -1)
		goto error;
	res = 0;
error:
	evbuffer_free(tmp);
	return res;
}
RPCMSG_STATIC void evtag_marshal_point(struct evbuffer *evbuf, ev_uint32_t tag, const struct point *msg)
{
	struct evbuffer *buf_ = evbuffer_new();
	point_marshal(buf_, msg);
	evtag_marshal_buffer(evbuf, tag, buf_);
	evbuffer_free(buf_);
}

/* ---- greet_req ---- */
enum greet_req_ {
	GREET_REQ_NAME = 1, GREET_REQ_COUNT = 2, GREET_REQ_STAMP = 3, GREET_REQ_WHERE = 4,
	GREET_REQ_VALUES = 5, GREET_REQ_DIGEST = 6, GREET_REQ_MAX_TAGS
};

struct greet_req_access_ {
	int (*name_assign)(struct greet_req *, const char *);
	int (*name_get)(struct greet_req *, char **);
	int (*count_assign)(struct greet_req *, const ev_uint32_t);
	int (*count_get)(struct greet_req *, ev_uint32_t *);
	int (*stamp_assign)(struct greet_req *, const ev_uint64_t);
	int (*stamp_get)(struct greet_req *, ev_uint64_t *);
	int (*where_assign)(struct greet_req *, const struct point *);
	int (*where_get)(struct greet_req *, struct point **);
	int (*values_assign)(struct greet_req *, int, const ev_uint32_t);
	int (*values_get)(struct greet_req *, int, ev_uint32_t *);
	ev_uint32_t *(*values_add)(struct greet_req *msg, const ev_uint32_t value);
	int (*digest_assign)(struct greet_req *, const ev_uint8_t *);
	int (*digest_get)(struct greet_req *, ev_uint8_t **);
};

struct greet_req {
	struct greet_req_access_ *base;
	char *name_data;
	ev_uint32_t count_data;
	ev_uint64_t stamp_data;
	struct point *where_data;
	ev_uint32_t *values_data;
	int values_length;
	int values_num_allocated;
	ev_uint8_t digest_data[4];
	ev_uint8_t name_set;
	ev_uint8_t count_set;
	ev_uint8_t stamp_set;
	ev_uint8_t where_set;
	ev_uint8_t values_set;
	ev_uint8_t digest_set;
};

RPCMSG_STATIC int greet_req_name_assign(struct greet_req *msg, const char *value)
{
	if (msg->name_data != NULL)
		free(msg->name_data);
	if ((msg->name_data = strdup(value)) == NULL)
		return -1;
	msg->name_set = 1;
	return 0;
}
RPCMSG_STATIC int greet_req_name_get(struct greet_req *msg, char **value)
{
	if (msg->name_set != 1)
		return -1;
	*value = msg->name_data;
	return 0;
}
RPCMSG_STATIC int greet_req_count_assign(struct greet_req *msg, const ev_uint32_t value)
{
	msg->count_set = 1;
	msg->count_data = value;
	return 0;
}
RPCMSG_STATIC int greet_req_count_get(struct greet_req *msg, ev_uint32_t *value)
{
	if (msg->count_set != 1)
		return -1;
	*value = msg->count_data;
	return 0;
}
RPCMSG_STATIC int greet_req_stamp_assign(struct greet_req *msg, const ev_uint64_t value)
{
	msg->stamp_set = 1;
	msg->stamp_data = value;
	return 0;
}
RPCMSG_STATIC int greet_req_stamp_get(struct greet_req *msg, ev_uint64_t *value)
{
	if (msg->stamp_set != 1)
		return -1;
	*value = msg->stamp_data;
	return 0;
}
RPCMSG_STATIC int greet_req_where_assign(struct greet_req *msg, const struct point *value)
{
	struct evbuffer *tmp = NULL;
	if (msg->where_set) {
		point_clear(msg->where_data);
		msg->where_set = 0;
	} else {
		msg->where_data = point_new();
		if (msg->where_data == NULL) {
			event_warn("%s: point_new()", __func__);
			goto error;
		}
	}
	if ((tmp = evbuffer_new()) == NULL) {
		event_warn("%s: evbuffer_new()", __func__);
		goto error;
	}
	point_marshal(tmp, value);
	if (point_unmarshal(msg->where_data, tmp) == -1) {
		event_warnx("%s: point_unmarshal", __func__);
		goto error;
	}
	msg->where_set = 1;
	evbuffer_free(tmp);
	return 0;
error:
	if (tmp != NULL)
		evbuffer_free(tmp);
	if (msg->where_data != NULL) {
		point_free(msg->where_data);
		msg->where_data = NULL;
	}
	return -1;
}
RPCMSG_STATIC int greet_req_where_get(struct greet_req *msg, struct point **value)
{
	if (msg->where_set != 1) {
		msg->where_data = point_new();
		if (msg->where_data == NULL)
			return -1;
		msg->where_set = 1;
	}
	*value = msg->where_data;
	return 0;
}
RPCMSG_STATIC int greet_req_values_expand_to_hold_more(struct greet_req *msg)
{
	int tobe_allocated = msg->values_num_allocated;
	ev_uint32_t *new_data;
	tobe_allocated = !tobe_allocated ? 1 : tobe_allocated << 1;
	new_data = (ev_uint32_t *)realloc(msg->values_data, tobe_allocated * sizeof(ev_uint32_t));
	if (new_data == NULL)
		return -1;
	msg->values_data = new_data;
	msg->values_num_allocated = tobe_allocated;
	return 0;
}
RPCMSG_STATIC ev_uint32_t *greet_req_values_add(struct greet_req *msg, const ev_uint32_t value)
{
	if (++msg->values_length >= msg->values_num_allocated) {
		if (greet_req_values_expand_to_hold_more(msg) < 0)
			goto error;
	}
	msg->values_data[msg->values_length - 1] = value;
	msg->values_set = 1;
	return &(msg->values_data[msg->values_length - 1]);
error:
	--msg->values_length;
	return NULL;
}
RPCMSG_STATIC int greet_req_values_assign(struct greet_req *msg, int off, const ev_uint32_t value)
{
	if (!msg->values_set || off < 0 || off >= msg->values_length)
		return -1;
	msg->values_data[off] = value;
	return 0;
}
RPCMSG_STATIC int greet_req_values_get(struct greet_req *msg, int offset, ev_uint32_t *value)
{
	if (!msg->values_set || offset < 0 || offset >= msg->values_length)
		return -1;
	*value = msg->values_data[offset];
	return 0;
}
RPCMSG_STATIC int greet_req_digest_assign(struct greet_req *msg, const ev_uint8_t *value)
{
	msg->digest_set = 1;
	memcpy(msg->digest_data, value, 4);
	return 0;
}
RPCMSG_STATIC int greet_req_digest_get(struct greet_req *msg, ev_uint8_t **value)
{
	if (msg->digest_set != 1)
		return -1;
	*value = msg->digest_data;
	return 0;
}

RPCMSG_STATIC struct greet_req_access_ greet_req_base__ = {
	greet_req_name_assign, greet_req_name_get,
	greet_req_count_assign, greet_req_count_get,
	greet_req_stamp_assign, greet_req_stamp_get,
	greet_req_where_assign, greet_req_where_get,
	greet_req_values_assign, greet_req_values_get, greet_req_values_add,
	greet_req_digest_assign, greet_req_digest_get,
};

RPCMSG_STATIC struct greet_req *greet_req_new_with_arg(void *unused)
{
	struct greet_req *tmp;
	(void)unused;
	if ((tmp = malloc(sizeof(struct greet_req))) == NULL) {
		event_warn("%s: malloc", __func__);
		return NULL;
	}
	tmp->base = &greet_req_base__;
	tmp->name_data = NULL;
	tmp->name_set = 0;
	tmp->count_data = 0;
	tmp->count_set = 0;
	tmp->stamp_data = 0;
	tmp->stamp_set = 0;
	tmp->where_data = NULL;
	tmp->where_set = 0;
	tmp->values_data = NULL;
	tmp->values_length = 0;
	tmp->values_num_allocated = 0;
	tmp->values_set = 0;
	memset(tmp->digest_data, 0, sizeof(tmp->digest_data));
	tmp->digest_set = 0;
	return tmp;
}
RPCMSG_STATIC struct greet_req *greet_req_new(void) { return greet_req_new_with_arg(NULL); }

RPCMSG_STATIC void greet_req_clear(struct greet_req *tmp)
{
	if (tmp->name_set == 1) {
		free(tmp->name_data);
		tmp->name_data = NULL;
		tmp->name_set = 0;
	}
	tmp->count_set = 0;
	tmp->stamp_set = 0;
	if (tmp->where_set == 1) {
		point_free(tmp->where_data);
		tmp->where_data = NULL;
		tmp->where_set = 0;
	}
	if (tmp->values_set == 1) {
		free(tmp->values_data);
		tmp->values_data = NULL;
		tmp->values_set = 0;
		tmp->values_length = 0;
		tmp->values_num_allocated = 0;
	}
	tmp->digest_set = 0;
}
RPCMSG_STATIC void greet_req_free(struct greet_req *tmp)
{
	if (tmp->name_data != NULL)
		free(tmp->name_data);
	if (tmp->where_data != NULL)
		point_free(tmp->where_data);
	if (tmp->values_set == 1) {
		free(tmp->values_data);
		tmp->values_data = NULL;
		tmp->values_set = 0;
		tmp->values_length = 0;
		tmp->values_num_allocated = 0;
	}
	free(tmp->values_data);
	free(tmp);
}
RPCMSG_STATIC void greet_req_marshal(struct evbuffer *evbuf, const struct greet_req *tmp)
{
	int i;
	evtag_marshal_string(evbuf, GREET_REQ_NAME, tmp->name_data);
	evtag_marshal_int(evbuf, GREET_REQ_COUNT, tmp->count_data);
	if (tmp->stamp_set)
		evtag_marshal_int64(evbuf, GREET_REQ_STAMP, tmp->stamp_data);
	if (tmp->where_set)
		evtag_marshal_point(evbuf, GREET_REQ_WHERE, tmp->where_data);
	for (i = 0; i < tmp->values_length; ++i)
		evtag_marshal_int(evbuf, GREET_REQ_VALUES, tmp->values_data[i]);
	if (tmp->digest_set)
		evtag_marshal(evbuf, GREET_REQ_DIGEST, tmp->digest_data, sizeof(tmp->digest_data));
}
RPCMSG_STATIC int greet_req_complete(struct greet_req *msg)
{
	if (!msg->name_set || !msg->count_set)
		return -1;
	if (msg->where_set && point_complete(msg->where_data) == -1)
		return -1;
	return 0;
}
RPCMSG_STATIC int greet_req_unmarshal(struct greet_req *tmp, struct evbuffer *evbuf)
{
	ev_uint32_t tag;
	while (evbuffer_get_length(evbuf) > 0) {
		if (evtag_peek(evbuf, &tag) == -1)
			return -1;
		switch (tag) {
		case GREET_REQ_NAME:
			if (tmp->name_set)
				return -1;
			if (evtag_unmarshal_string(evbuf, GREET_REQ_NAME, &tmp->name_data) == -1) {
				event_warnx("%s: failed to unmarshal name", __func__);
				return -1;
			}
			tmp->name_set = 1;
			break;
		case GREET_REQ_COUNT:
			if (tmp->count_set)
				return -1;
			if (evtag_unmarshal_int(evbuf, GREET_REQ_COUNT, &tmp->count_data) == -1) {
				event_warnx("%s: failed to unmarshal count", __func__);
				return -1;
			}
			tmp->count_set = 1;
			break;
		case GREET_REQ_STAMP:
			if (tmp->stamp_set)
				return -1;
			if (evtag_unmarshal_int64(evbuf, GREET_REQ_STAMP, &tmp->stamp_data) == -1) {
				event_warnx("%s: failed to unmarshal stamp", __func__);
				return -1;
			}
			tmp->stamp_set = 1;
			break;
		case GREET_REQ_WHERE:
			if (tmp->where_set)
				return -1;
			tmp->where_data = point_new();
			if (tmp->where_data == NULL)
				return -1;
			if (evtag_unmarshal_point(evbuf, GREET_REQ_WHERE, tmp->where_data) == -1) {
				event_warnx("%s: failed to unmarshal where", __func__);
				return -1;
			}
			tmp->where_set = 1;
			break;
		case GREET_REQ_VALUES:
			if (tmp->values_length >= tmp->values_num_allocated &&
			    greet_req_values_expand_to_hold_more(tmp) < 0)
				return -1;
			if (evtag_unmarshal_int(evbuf, GREET_REQ_VALUES,
				&tmp->values_data[tmp->values_length]) == -1) {
				event_warnx("%s: failed to unmarshal values", __func__);
				return -1;
			}
			++tmp->values_length;
			tmp->values_set = 1;
			break;
		case GREET_REQ_DIGEST:
			if (tmp->digest_set)
				return -1;
			if (evtag_unmarshal_fixed(evbuf, GREET_REQ_DIGEST, tmp->digest_data,
				sizeof(tmp->digest_data)) == -1) {
				event_warnx("%s: failed to unmarshal digest", __func__);
				return -1;
			}
			tmp->digest_set = 1;
			break;
		default:
			return -1;
		}
	}
	if (greet_req_complete(tmp) == -1)
		return -1;
	return 0;
}

/* ---- greet_rpl ---- */
enum greet_rpl_ { GREET_RPL_TEXT = 1, GREET_RPL_SUM = 2, GREET_RPL_BLOB = 3, GREET_RPL_MAX_TAGS };

struct greet_rpl_access_ {
	int (*text_assign)(struct greet_rpl *, const char *);
	int (*text_get)(struct greet_rpl *, char **);
	int (*sum_assign)(struct greet_rpl *, const ev_uint32_t);
	int (*sum_get)(struct greet_rpl *, ev_uint32_t *);
	int (*blob_assign)(struct greet_rpl *, const ev_uint8_t *, ev_uint32_t);
	int (*blob_get)(struct greet_rpl *, ev_uint8_t **, ev_uint32_t *);
};

struct greet_rpl {
	struct greet_rpl_access_ *base;
	char *text_data;
	ev_uint32_t sum_data;
	ev_uint8_t *blob_data;
	ev_uint32_t blob_length;
	ev_uint8_t text_set;
	ev_uint8_t sum_set;
	ev_uint8_t blob_set;
};

RPCMSG_STATIC int greet_rpl_text_assign(struct greet_rpl *msg, const char *value)
{
	if (msg->text_data != NULL)
		free(msg->text_data);
	if ((msg->text_data = strdup(value)) == NULL)
		return -1;
	msg->text_set = 1;
	return 0;
}
RPCMSG_STATIC int greet_rpl_text_get(struct greet_rpl *msg, char **value)
{
	if (msg->text_set != 1)
		return -1;
	*value = msg->text_data;
	return 0;
}
RPCMSG_STATIC int greet_rpl_sum_assign(struct greet_rpl *msg, const ev_uint32_t value)
{
	msg->sum_set = 1;
	msg->sum_data = value;
	return 0;
}
RPCMSG_STATIC int greet_rpl_sum_get(struct greet_rpl *msg, ev_uint32_t *value)
{
	if (msg->sum_set != 1)
		return -1;
	*value = msg->sum_data;
	return 0;
}
RPCMSG_STATIC int greet_rpl_blob_assign(struct greet_rpl *msg, const ev_uint8_t *value, ev_uint32_t len)
{
	if (msg->blob_data != NULL)
		free(msg->blob_data);
	msg->blob_data = malloc(len ? len : 1);
	if (msg->blob_data == NULL)
		return -1;
	msg->blob_set = 1;
	msg->blob_length = len;
	memcpy(msg->blob_data, value, len);
	return 0;
}
RPCMSG_STATIC int greet_rpl_blob_get(struct greet_rpl *msg, ev_uint8_t **value, ev_uint32_t *plen)
{
	if (msg->blob_set != 1)
		return -1;
	*value = msg->blob_data;
	*plen = msg->blob_length;
	return 0;
}

RPCMSG_STATIC struct greet_rpl_access_ greet_rpl_base__ = {
	greet_rpl_text_assign, greet_rpl_text_get,
	greet_rpl_sum_assign, greet_rpl_sum_get,
	greet_rpl_blob_assign, greet_rpl_blob_get,
};

RPCMSG_STATIC struct greet_rpl *greet_rpl_new_with_arg(void *unused)
{
	struct greet_rpl *tmp;
	(void)unused;
	if ((tmp = malloc(sizeof(struct greet_rpl))) == NULL) {
		event_warn("%s: malloc", __func__);
		return NULL;
	}
	tmp->base = &greet_rpl_base__;
	tmp->text_data = NULL;
	tmp->text_set = 0;
	tmp->sum_data = 0;
	tmp->sum_set = 0;
	tmp->blob_data = NULL;
	tmp->blob_length = 0;
	tmp->blob_set = 0;
	return tmp;
}
RPCMSG_STATIC struct greet_rpl *greet_rpl_new(void) { return greet_rpl_new_with_arg(NULL); }

RPCMSG_STATIC void greet_rpl_clear(struct greet_rpl *tmp)
{
	if (tmp->text_set == 1) {
		free(tmp->text_data);
		tmp->text_data = NULL;
		tmp->text_set = 0;
	}
	tmp->sum_set = 0;
	if (tmp->blob_set == 1) {
		free(tmp->blob_data);
		tmp->blob_data = NULL;
		tmp->blob_set = 0;
		tmp->blob_length = 0;
	}
}
RPCMSG_STATIC void greet_rpl_free(struct greet_rpl *tmp)
{
	if (tmp->text_data != NULL)
		free(tmp->text_data);
	if (tmp->blob_data != NULL)
		free(tmp->blob_data);
	free(tmp);
}
RPCMSG_STATIC void greet_rpl_marshal(struct evbuffer *evbuf, const struct greet_rpl *tmp)
{
	evtag_marshal_string(evbuf, GREET_RPL_TEXT, tmp->text_data);
	evtag_marshal_int(evbuf, GREET_RPL_SUM, tmp->sum_data);
	if (tmp->blob_set)
		evtag_marshal(evbuf, GREET_RPL_BLOB, tmp->blob_data, tmp->blob_length);
}
RPCMSG_STATIC int greet_rpl_complete(struct greet_rpl *msg)
{
	if (!msg->text_set || !msg->sum_set)
		return -1;
	return 0;
}
RPCMSG_STATIC int greet_rpl_unmarshal(struct greet_rpl *tmp, struct evbuffer *evbuf)
{
	ev_uint32_t tag;
	while (evbuffer_get_length(evbuf) > 0) {
		if (evtag_peek(evbuf, &tag) == -1)
			return -1;
		switch (tag) {
		case GREET_RPL_TEXT:
			if (tmp->text_set)
				return -1;
			if (evtag_unmarshal_string(evbuf, GREET_RPL_TEXT, &tmp->text_data) == -1) {
				event_warnx("%s: failed to unmarshal text", __func__);
				return -1;
			}
			tmp->text_set = 1;
			break;
		case GREET_RPL_SUM:
			if (tmp->sum_set)
				return -1;
			if (evtag_unmarshal_int(evbuf, GREET_RPL_SUM, &tmp->sum_data) == -1) {
				event_warnx("%s: failed to unmarshal sum", __func__);
				return -1;
			}
			tmp->sum_set = 1;
			break;
		case GREET_RPL_BLOB:
			if (tmp->blob_set)
				return -1;
			if (evtag_payload_length(evbuf, &tmp->blob_length) == -1)
				return -1;
			if (tmp->blob_length > evbuffer_get_length(evbuf))
				return -1;
			if ((tmp->blob_data = malloc(tmp->blob_length ? tmp->blob_length : 1)) == NULL)
				return -1;
			if (evtag_unmarshal_fixed(evbuf, GREET_RPL_BLOB, tmp->blob_data,
				tmp->blob_length) == -1) {
				event_warnx("%s: failed to unmarshal blob", __func__);
				return -1;
			}
			tmp->blob_set = 1;
			break;
		default:
			return -1;
		}
	}
	if (greet_rpl_complete(tmp) == -1)
		return -1;
	return 0;
}

#ifdef RPCMSG_RPCS
/* Greet: answered by the cases' servers; Slow: answered late or never. */
EVRPC_HEADER(Greet, greet_req, greet_rpl)
EVRPC_HEADER(Slow, greet_req, greet_rpl)
EVRPC_GENERATE(Greet, greet_req, greet_rpl)
EVRPC_GENERATE(Slow, greet_req, greet_rpl)
#endif

#endif /* GOEVENT_TESTS_C_RPCMSG_H */
