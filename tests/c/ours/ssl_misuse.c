/*
 * ssl_misuse.c - goevent only: misuse of event2/bufferevent_ssl.h that
 * crashes libevent 2.1.12 (NULL bufferevents or SSLs, a freed bufferevent,
 * an unknown state: libevent then frees a bufferevent whose events were
 * never set up, and its loop crashes later) gets libevent's failure value and
 * a logged warning here, and the SSL is freed as documented. The program
 * checks itself and exits 1 on the first miss.
 */
/* libs: libevent_openssl libevent openssl */
/* The ex_data free callback runs for every SSL freed (it counts frees). */
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>

#include <openssl/ssl.h>

#include "testcase.h"

static int freed_ssls, exidx;

static void ssl_freed(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp)
{
	(void)parent;
	(void)ptr;
	(void)ad;
	(void)idx;
	(void)argl;
	(void)argp;
	freed_ssls++;
}

int main(void)
{
	struct event_base *base;
	struct bufferevent *b;
	SSL_CTX *ctx;
	SSL *ssl;
	struct timeval tv = {0, 20000};

	tc_alarm("ssl_misuse", 10);
	tc_log_capture();
	base = event_base_new();
	ctx = SSL_CTX_new(TLS_client_method());
	exidx = SSL_get_ex_new_index(0, NULL, NULL, NULL, ssl_freed);

	TC_EXPECT_WARN("bufferevent_openssl_get_ssl(NULL)", bufferevent_openssl_get_ssl(NULL) != NULL, 0);
	TC_EXPECT_WARN("bufferevent_ssl_renegotiate(NULL)", bufferevent_ssl_renegotiate(NULL), -1);
	TC_EXPECT_WARN("bufferevent_openssl_get_allow_dirty_shutdown(NULL)",
	    bufferevent_openssl_get_allow_dirty_shutdown(NULL), -1);
	TC_EXPECT_WARN("bufferevent_get_openssl_error(NULL)", bufferevent_get_openssl_error(NULL), 0);
	TC_EXPECT_LOGGED("bufferevent_openssl_set_allow_dirty_shutdown(NULL)",
	    bufferevent_openssl_set_allow_dirty_shutdown(NULL, 1));
	TC_EXPECT_WARN("bufferevent_openssl_socket_new(NULL SSL)",
	    bufferevent_openssl_socket_new(base, -1, NULL, BUFFEREVENT_SSL_CONNECTING, 0) != NULL, 0);
	TC_EXPECT_WARN("bufferevent_openssl_filter_new(NULL SSL)",
	    bufferevent_openssl_filter_new(base, NULL, NULL, BUFFEREVENT_SSL_CONNECTING, 0) != NULL, 0);

	ssl = SSL_new(ctx);
	b = bufferevent_openssl_socket_new(base, -1, ssl, (enum bufferevent_ssl_state)7, BEV_OPT_CLOSE_ON_FREE);
	TC_CHECK("an unknown state fails", b == NULL);
	TC_CHECK("... and frees the SSL with BEV_OPT_CLOSE_ON_FREE", freed_ssls == 1);
	event_base_loopexit(base, &tv);
	TC_CHECK("the loop runs on after it", event_base_dispatch(base) == 0);

	/* a freed TLS bufferevent */
	ssl = SSL_new(ctx);
	b = bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_CONNECTING, 0);
	TC_CHECK("made one", b != NULL && bufferevent_openssl_get_ssl(b) == ssl);
	bufferevent_free(b);
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
	TC_EXPECT_WARN("bufferevent_openssl_get_ssl on a freed bufferevent", bufferevent_openssl_get_ssl(b) != NULL, 0);
	TC_EXPECT_WARN("bufferevent_ssl_renegotiate on a freed bufferevent", bufferevent_ssl_renegotiate(b), -1);
	SSL_free(ssl);

	/* a filter over a freed bufferevent */
	{
		struct bufferevent *pair[2];
		bufferevent_pair_new(base, 0, pair);
		bufferevent_free(pair[0]);
		bufferevent_free(pair[1]);
		event_base_loopexit(base, &tv);
		event_base_dispatch(base);
		int before = freed_ssls;
		ssl = SSL_new(ctx);
		TC_EXPECT_WARN("bufferevent_openssl_filter_new over a freed bufferevent",
		    bufferevent_openssl_filter_new(base, pair[0], ssl, BUFFEREVENT_SSL_CONNECTING,
		        BEV_OPT_CLOSE_ON_FREE) != NULL, 0);
		TC_CHECK("... and frees the SSL with BEV_OPT_CLOSE_ON_FREE", freed_ssls == before + 1);
	}

	SSL_CTX_free(ctx);
	event_base_free(base);
	return tc_exit_status();
}
