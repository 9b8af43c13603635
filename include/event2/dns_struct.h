/*
 * goevent -- event2/dns_struct.h
 *
 * What a DNS server callback (evdns_request_callback_fn_type) may read of a
 * request: its header flags and its questions.
 */
#ifndef EVENT2_DNS_STRUCT_H_INCLUDED_
#define EVENT2_DNS_STRUCT_H_INCLUDED_

#ifdef __cplusplus
extern "C" {
#endif

#include <event2/event-config.h>
#ifdef EVENT__HAVE_SYS_TYPES_H
#include <sys/types.h>
#endif
#ifdef EVENT__HAVE_SYS_TIME_H
#include <sys/time.h>
#endif

#include <event2/util.h>

/* A query received by an evdns_server_port (read-only for the callback). */
struct evdns_server_request {
	int flags;          /* the query's RD and CD bits */
	int nquestions;
	struct evdns_server_question **questions;
};

/* One question of a query. */
struct evdns_server_question {
	int type;
#ifdef __cplusplus
	int dns_question_class;
#else
	int class;          /* C++ sees it as dns_question_class */
#define dns_question_class class
#endif
	char name[1];       /* NUL-terminated, longer than declared */
};

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_DNS_STRUCT_H_INCLUDED_ */
