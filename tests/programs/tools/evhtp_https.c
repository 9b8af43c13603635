/* evhtp_https.c - a small HTTPS server built on Debian's libevhtp0 (its TLS
 * connections are bufferevent_openssl_socket_new bufferevents): GET /hello
 * answers "hello from evhtp <path> <bytes of body>", POST /echo echoes the
 * body. usage: evhtp_https PORT CERT KEY (listens on 127.0.0.1). */
#include <evhtp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void hello(evhtp_request_t *req, void *arg)
{
	(void)arg;
	evbuffer_add_printf(req->buffer_out, "hello from evhtp %s\n", req->uri->path->full);
	evhtp_send_reply(req, EVHTP_RES_OK);
}

static void echo(evhtp_request_t *req, void *arg)
{
	(void)arg;
	evbuffer_add_printf(req->buffer_out, "%zu:", evbuffer_get_length(req->buffer_in));
	evbuffer_add_buffer(req->buffer_out, req->buffer_in);
	evhtp_send_reply(req, EVHTP_RES_OK);
}

int main(int argc, char **argv)
{
	struct event_base *base;
	evhtp_t *htp;
	evhtp_ssl_cfg_t cfg;

	if (argc != 4) {
		fprintf(stderr, "usage: evhtp_https PORT CERT KEY\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	htp = evhtp_new(base, NULL);
	memset(&cfg, 0, sizeof(cfg));
	cfg.pemfile = argv[2];
	cfg.privfile = argv[3];
	cfg.scache_type = evhtp_ssl_scache_type_disabled;
	if (evhtp_ssl_init(htp, &cfg) != 0) {
		fprintf(stderr, "evhtp_ssl_init failed\n");
		return 1;
	}
	evhtp_set_cb(htp, "/hello", hello, NULL);
	evhtp_set_cb(htp, "/echo", echo, NULL);
	if (evhtp_bind_socket(htp, "127.0.0.1", (uint16_t)atoi(argv[1]), 128) != 0) {
		fprintf(stderr, "bind failed\n");
		return 1;
	}
	event_base_loop(base, 0);
	return 0;
}
