/*
 * http_misuse.c - goevent only: the evhttp functions refuse NULL, freed and
 * wrong handles (evhttp, evhttp_connection, evhttp_request,
 * evhttp_bound_socket, evhttp_uri) and NULL strings with libevent's failure
 * value and a logged message, where libevent crashes or reads freed
 * memory; a request used after its reply freed it; a server and a
 * connection freed twice; a reply to a request whose connection is gone;
 * evhttp_new without any base. Exit 0 when every check holds.
 */
#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/http_compat.h>
#include <event2/http_struct.h>
#include <event2/keyvalq_struct.h>

#include "testcase.h"

static void cb(struct evhttp_request *req, void *arg)
{
	(void)req; (void)arg;
}

int main(void)
{
	tc_log_capture();
	TC_EXPECT_WARN("evhttp_new(NULL) without event_init", evhttp_new(NULL) != NULL, 0);
	TC_EXPECT_WARN("evhttp_start without event_init", evhttp_start("127.0.0.1", 0) != NULL, 0);
	TC_EXPECT_WARN("evhttp_connection_new without event_init", evhttp_connection_new("127.0.0.1", 80) != NULL, 0);

	struct event_base *base = event_base_new();
	struct evhttp *http = evhttp_new(base);
	struct evhttp *dead = evhttp_new(base);
	evhttp_free(dead);

	TC_EXPECT_WARN("evhttp_bind_socket(NULL)", evhttp_bind_socket(NULL, "127.0.0.1", 0), -1);
	TC_EXPECT_WARN("evhttp_bind_socket(freed)", evhttp_bind_socket(dead, "127.0.0.1", 0), -1);
	TC_EXPECT_WARN("evhttp_set_cb(NULL path)", evhttp_set_cb(http, NULL, cb, NULL), -2);
	TC_EXPECT_WARN("evhttp_set_cb(freed)", evhttp_set_cb(dead, "/", cb, NULL), -2);
	TC_EXPECT_WARN("evhttp_del_cb(NULL)", evhttp_del_cb(NULL, "/"), -1);
	TC_EXPECT_WARN("evhttp_accept_socket(NULL)", evhttp_accept_socket(NULL, 0), -1);
	TC_EXPECT_WARN("evhttp_bind_listener(NULL listener)", evhttp_bind_listener(http, NULL) != NULL, 0);
	TC_EXPECT_WARN("evhttp_bound_socket_get_fd(NULL)", evhttp_bound_socket_get_fd(NULL), -1);
	TC_EXPECT_WARN("evhttp_bound_socket_get_listener(junk)",
	    evhttp_bound_socket_get_listener((struct evhttp_bound_socket *)http) != NULL, 0);
	TC_EXPECT_WARN("evhttp_add_virtual_host(NULL vhost)", evhttp_add_virtual_host(http, "x", NULL), -1);
	TC_EXPECT_WARN("evhttp_add_virtual_host(NULL pattern)", evhttp_add_virtual_host(http, NULL, dead), -1);
	TC_EXPECT_WARN("evhttp_add_server_alias(NULL)", evhttp_add_server_alias(http, NULL), -1);
	TC_EXPECT_WARN("evhttp_set_flags(freed)", evhttp_set_flags(dead, 0), -1);
	TC_EXPECT_LOGGED("evhttp_free twice", evhttp_free(dead));
	TC_EXPECT_LOGGED("evhttp_set_gencb(NULL)", evhttp_set_gencb(NULL, cb, NULL));
	TC_EXPECT_LOGGED("evhttp_foreach_bound_socket(NULL fn)", evhttp_foreach_bound_socket(http, NULL, NULL));

	/* requests */
	struct evhttp_request *req = evhttp_request_new(cb, NULL);
	struct evhttp_request *freed = evhttp_request_new(cb, NULL);
	evhttp_request_free(freed);
	TC_EXPECT_LOGGED("evhttp_request_free twice", evhttp_request_free(freed));
	TC_EXPECT_WARN("evhttp_request_get_uri(freed)", evhttp_request_get_uri(freed) != NULL, 0);
	TC_EXPECT_WARN("evhttp_request_get_input_headers(NULL)", evhttp_request_get_input_headers(NULL) != NULL, 0);
	TC_EXPECT_WARN("evhttp_request_get_host(NULL)", evhttp_request_get_host(NULL) != NULL, 0);
	TC_EXPECT_WARN("evhttp_request_is_owned(NULL)", evhttp_request_is_owned(NULL), 0);
	TC_EXPECT_LOGGED("evhttp_send_reply(freed)", evhttp_send_reply(freed, 200, "OK", NULL));
	TC_EXPECT_LOGGED("evhttp_send_reply_chunk(NULL)", evhttp_send_reply_chunk(NULL, NULL));
	TC_EXPECT_LOGGED("evhttp_send_reply_start(no connection)", evhttp_send_reply_start(req, 200, "OK"));
	TC_EXPECT_LOGGED("evhttp_cancel_request(freed)", evhttp_cancel_request(freed));
	TC_CHECK("evhttp_request_get_host(no host) is NULL", evhttp_request_get_host(req) == NULL);
	evhttp_request_free(req);

	/* a reply to a request without a connection frees it (libevent does) */
	req = evhttp_request_new(cb, NULL);
	evhttp_send_reply(req, 200, "OK", NULL);
	TC_EXPECT_WARN("the request is gone after that reply", evhttp_request_get_response_code(req), 0);

	/* connections */
	struct evhttp_connection *evcon = evhttp_connection_base_new(base, NULL, "127.0.0.1", 9);
	struct evhttp_connection *gone = evhttp_connection_base_new(base, NULL, "127.0.0.1", 9);
	evhttp_connection_free(gone);
	TC_EXPECT_LOGGED("evhttp_connection_free twice", evhttp_connection_free(gone));
	TC_EXPECT_WARN("evhttp_connection_base_new(NULL address)", evhttp_connection_base_new(base, NULL, NULL, 80) != NULL, 0);
	req = evhttp_request_new(cb, NULL);
	TC_EXPECT_WARN("evhttp_make_request(freed connection)", evhttp_make_request(gone, req, EVHTTP_REQ_GET, "/"), -1);
	TC_EXPECT_WARN("evhttp_make_request(NULL uri)", evhttp_make_request(evcon, req, EVHTTP_REQ_GET, NULL), -1);
	TC_EXPECT_WARN("evhttp_make_request(NULL request)", evhttp_make_request(evcon, NULL, EVHTTP_REQ_GET, "/"), -1);
	evhttp_request_free(req);
	TC_EXPECT_WARN("evhttp_connection_get_bufferevent(freed)", evhttp_connection_get_bufferevent(gone) != NULL, 0);
	TC_EXPECT_WARN("evhttp_connection_set_flags(NULL)", evhttp_connection_set_flags(NULL, 0), -1);
	TC_EXPECT_WARN("evhttp_connection_get_addr(NULL)", evhttp_connection_get_addr(NULL) != NULL, 0);
	TC_EXPECT_LOGGED("evhttp_connection_set_timeout(freed)", evhttp_connection_set_timeout(gone, 1));
	TC_EXPECT_LOGGED("evhttp_connection_set_base(NULL base)", evhttp_connection_set_base(evcon, NULL));
	char *addr = (char *)"unchanged";
	ev_uint16_t port = 7;
	TC_EXPECT_LOGGED("evhttp_connection_get_peer(NULL)", evhttp_connection_get_peer(NULL, &addr, &port));
	TC_CHECK("get_peer(NULL) leaves its outputs", strcmp(addr, "unchanged") == 0 && port == 7);
	evhttp_connection_free(evcon);

	/* header lists and URIs */
	struct evkeyvalq q;
	q.tqh_first = NULL;
	q.tqh_last = &q.tqh_first;
	TC_EXPECT_WARN("evhttp_add_header(NULL list)", evhttp_add_header(NULL, "k", "v"), -1);
	TC_EXPECT_WARN("evhttp_add_header(NULL value)", evhttp_add_header(&q, "k", NULL), -1);
	TC_EXPECT_WARN("evhttp_find_header(NULL key)", evhttp_find_header(&q, NULL) != NULL, 0);
	TC_EXPECT_WARN("evhttp_remove_header(NULL list)", evhttp_remove_header(NULL, "k"), -1);
	TC_EXPECT_LOGGED("evhttp_clear_headers(NULL)", evhttp_clear_headers(NULL));
	TC_EXPECT_WARN("evhttp_parse_query_str(NULL string)", evhttp_parse_query_str(NULL, &q), -1);
	TC_EXPECT_WARN("evhttp_parse_query(NULL list)", evhttp_parse_query("/?a=1", NULL), -1);
	TC_EXPECT_WARN("evhttp_encode_uri(NULL)", evhttp_encode_uri(NULL) != NULL, 0);
	TC_EXPECT_WARN("evhttp_uridecode(NULL)", evhttp_uridecode(NULL, 0, NULL) != NULL, 0);
	TC_EXPECT_WARN("evhttp_uri_parse(NULL)", evhttp_uri_parse(NULL) != NULL, 0);
	struct evhttp_uri *u = evhttp_uri_parse("http://h/");
	evhttp_uri_free(u);
	TC_EXPECT_WARN("evhttp_uri_get_host(freed)", evhttp_uri_get_host(u) != NULL, 0);
	TC_EXPECT_WARN("evhttp_uri_set_host(NULL uri)", evhttp_uri_set_host(NULL, "h"), -1);
	TC_EXPECT_WARN("evhttp_uri_get_port(NULL)", evhttp_uri_get_port(NULL), -1);
	TC_CHECK("evhttp_htmlescape(NULL) is NULL", evhttp_htmlescape(NULL) == NULL);
	TC_CHECK("evhttp_uri_join(NULL) is NULL", evhttp_uri_join(NULL, NULL, 0) == NULL);

	evhttp_free(http);
	event_base_free(base);
	return tc_exit_status();
}
