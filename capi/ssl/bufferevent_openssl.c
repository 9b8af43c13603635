/*
 * bufferevent_openssl.c - libevent_openssl-2.1.so.7: the seven functions of
 * event2/bufferevent_ssl.h and the OpenSSL steps the core's TLS backend
 * (core/bev_ssl.go) runs. The only goevent code that calls OpenSSL; it
 * links the system's OpenSSL 3 and libevent_core (capi/gev_ssl.h says how
 * the three parts fit).
 *
 * What stays here, with libevent 2.1.12's behaviour:
 *   - the SSL's BIO when a bufferevent is made: on a socket, the SSL's own
 *     socket BIO when it has one (its descriptor must then be fd, or fd is
 *     -1; the BIO no longer closes it), else a socket BIO on fd; over
 *     another bufferevent, a BIO reading its input and writing its output
 *     up to its write high watermark;
 *   - each step: ERR_clear_error, the SSL_* call, SSL_get_error, and for a
 *     fatal error libevent's conn_closed verdict (clean EOF, error, dirty
 *     shutdown) with the error codes it queues for
 *     bufferevent_get_openssl_error;
 *   - the destructor with BEV_OPT_CLOSE_ON_FREE (the socket closed, SSL_free)
 *     and SSL_free on a failed creation with it.
 */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/bufferevent_struct.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../gev_ssl.h"

/* ---- the C layer ------------------------------------------------------- */

static const struct gev_ssl_api *api;
static pthread_once_t api_once = PTHREAD_ONCE_INIT;

static void api_init(void)
{
	api = goevent_ssl_api(GEV_SSL_ABI);
}

static const struct gev_ssl_api *ssl_api(void)
{
	pthread_once(&api_once, api_init);
	return api;
}

static void warnf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void warnf(const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	const struct gev_ssl_api *a = ssl_api();
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (a)
		a->warn(msg);
	else
		fprintf(stderr, "[warn] %s\n", msg);
}

/* ---- a BIO over a bufferevent (the filter's) --------------------------- */

/* Records are read from the underlying bufferevent's input and written to
 * its output, not past its write high watermark; nothing there means
 * "retry". The BIO never frees the bufferevent (libevent's close flag is
 * always 0: the TLS bufferevent's destructor does that). */

static int bio_bev_write(BIO *b, const char *in, int inlen)
{
	struct bufferevent *bev = BIO_get_data(b);
	struct evbuffer *output;
	size_t outlen;

	BIO_clear_retry_flags(b);
	if (!bev)
		return -1;
	output = bufferevent_get_output(bev);
	outlen = evbuffer_get_length(output);
	if (bev->wm_write.high && bev->wm_write.high <= outlen + (size_t)inlen) {
		if (bev->wm_write.high <= outlen) {
			BIO_set_retry_write(b);
			return -1;
		}
		inlen = (int)(bev->wm_write.high - outlen);
	}
	if (inlen <= 0) /* libevent asserts */
		return -1;
	evbuffer_add(output, in, (size_t)inlen);
	return inlen;
}

static int bio_bev_read(BIO *b, char *out, int outlen)
{
	struct bufferevent *bev;
	struct evbuffer *input;

	BIO_clear_retry_flags(b);
	if (!out)
		return 0;
	bev = BIO_get_data(b);
	if (!bev)
		return -1;
	input = bufferevent_get_input(bev);
	if (evbuffer_get_length(input) == 0) {
		BIO_set_retry_read(b);
		return -1;
	}
	return evbuffer_remove(input, out, (size_t)outlen);
}

static int bio_bev_puts(BIO *b, const char *s)
{
	return bio_bev_write(b, s, (int)strlen(s));
}

static long bio_bev_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	struct bufferevent *bev = BIO_get_data(b);
	(void)ptr;
	switch (cmd) {
	case BIO_CTRL_GET_CLOSE:
		return BIO_get_shutdown(b);
	case BIO_CTRL_SET_CLOSE:
		BIO_set_shutdown(b, (int)num);
		return 1;
	case BIO_CTRL_PENDING:
		return evbuffer_get_length(bufferevent_get_input(bev)) != 0;
	case BIO_CTRL_WPENDING:
		return evbuffer_get_length(bufferevent_get_output(bev)) != 0;
	case BIO_CTRL_DUP:
	case BIO_CTRL_FLUSH:
		return 1;
	default:
		return 0;
	}
}

static int bio_bev_create(BIO *b)
{
	BIO_set_init(b, 0);
	BIO_set_data(b, NULL);
	return 1;
}

static int bio_bev_destroy(BIO *b)
{
	if (!b)
		return 0;
	if (BIO_get_shutdown(b) && BIO_get_init(b) && BIO_get_data(b))
		bufferevent_free(BIO_get_data(b));
	return 1;
}

#define GEV_BIO_TYPE_BUFFEREVENT 57 /* libevent's BIO type number */

static BIO_METHOD *bio_methods;
static pthread_once_t bio_once = PTHREAD_ONCE_INIT;

static void bio_methods_init(void)
{
	BIO_METHOD *m = BIO_meth_new(GEV_BIO_TYPE_BUFFEREVENT, "bufferevent");
	if (!m)
		return;
	BIO_meth_set_write(m, bio_bev_write);
	BIO_meth_set_read(m, bio_bev_read);
	BIO_meth_set_puts(m, bio_bev_puts);
	BIO_meth_set_ctrl(m, bio_bev_ctrl);
	BIO_meth_set_create(m, bio_bev_create);
	BIO_meth_set_destroy(m, bio_bev_destroy);
	bio_methods = m;
}

static BIO *bio_new_bufferevent(struct bufferevent *bev)
{
	BIO *b;
	if (!bev)
		return NULL;
	pthread_once(&bio_once, bio_methods_init);
	if (!bio_methods || !(b = BIO_new(bio_methods)))
		return NULL;
	BIO_set_init(b, 1);
	BIO_set_data(b, bev);
	BIO_set_shutdown(b, 0);
	return b;
}

/* ---- the steps the core runs (struct gev_ssl_funcs) --------------------- */

static void put_error(struct gev_ssl_op *op, unsigned long err)
{
	if (op->nerrors < GEV_SSL_NUM_ERRORS)
		op->errors[op->nerrors++] = (uint32_t)err;
}

/* libevent's conn_closed, the part that must run right after the failing
 * call: the verdict, and the error codes queued. */
static void closed(struct gev_ssl_op *op, int ret)
{
	int event = BEV_EVENT_ERROR, dirty = 0;
	unsigned long err;

	switch (op->err) {
	case SSL_ERROR_ZERO_RETURN:
		if (SSL_get_shutdown(op->ssl) & SSL_RECEIVED_SHUTDOWN)
			event = BEV_EVENT_EOF;
		else
			dirty = 1;
		break;
	case SSL_ERROR_SYSCALL:
		if ((ret == 0 || ret == -1) && ERR_peek_error() == 0)
			dirty = 1;
		put_error(op, (unsigned long)op->err);
		break;
	case SSL_ERROR_SSL:
	case SSL_ERROR_WANT_X509_LOOKUP:
		put_error(op, (unsigned long)op->err);
		break;
	default:
		warnf("BUG: Unexpected OpenSSL error code %d", op->err);
		break;
	}
	while ((err = ERR_get_error()) != 0)
		put_error(op, err);
	op->event = event;
	op->dirty = dirty;
}

static void stopped(struct gev_ssl_op *op, int r)
{
	op->sys_errno = errno;
	op->ret = r;
	op->err = SSL_get_error(op->ssl, r);
	if (op->err != SSL_ERROR_WANT_READ && op->err != SSL_ERROR_WANT_WRITE)
		closed(op, r);
}

static void step_counts(struct gev_ssl_op *op)
{
	BIO *w = SSL_get_wbio(op->ssl), *r = SSL_get_rbio(op->ssl);
	op->nwritten = w ? BIO_number_written(w) : 0;
	op->nread = r ? BIO_number_read(r) : 0;
}

static void step_read(struct gev_ssl_op *op)
{
	int i, r;
	op->nused = 0;
	op->err = 0;
	op->ret = 0;
	op->pending = 0;
	for (i = 0; i < op->niov; i++) {
		ERR_clear_error();
		r = SSL_read(op->ssl, op->iov[i].base, (int)op->iov[i].len);
		if (r <= 0) {
			stopped(op, r);
			break;
		}
		op->len[i] = r;
		op->nused++;
	}
	if (!op->err)
		op->pending = SSL_pending(op->ssl);
	step_counts(op);
}

static void step_write(struct gev_ssl_op *op)
{
	int i, r;
	op->nused = 0;
	op->err = 0;
	op->ret = 0;
	for (i = 0; i < op->niov; i++) {
		ERR_clear_error();
		r = SSL_write(op->ssl, op->iov[i].base, (int)op->iov[i].len);
		if (r <= 0) {
			stopped(op, r);
			break;
		}
		op->len[i] = r;
		op->nused++;
	}
	step_counts(op);
}

static void step_handshake(struct gev_ssl_op *op)
{
	int r;
	op->err = 0;
	ERR_clear_error();
	r = SSL_do_handshake(op->ssl);
	op->ret = r;
	if (r != 1) {
		op->sys_errno = errno;
		step_counts(op);
		op->err = SSL_get_error(op->ssl, r);
		if (op->err != SSL_ERROR_WANT_READ && op->err != SSL_ERROR_WANT_WRITE)
			closed(op, r);
		return;
	}
	step_counts(op);
}

static int step_renegotiate(struct gev_ssl_op *op)
{
	return SSL_renegotiate(op->ssl);
}

static int step_set_bio(struct gev_ssl_op *op, int fd)
{
	BIO *bio;
	if (op->under) {
		if (!(bio = bio_new_bufferevent(op->under)))
			return -1;
	} else {
		bio = BIO_new_socket(fd, 0);
	}
	SSL_set_bio(op->ssl, bio, bio);
	return 0;
}

static int step_restart(struct gev_ssl_op *op, int state)
{
	if (!SSL_clear(op->ssl))
		return -1;
	if (state == BUFFEREVENT_SSL_CONNECTING)
		SSL_set_connect_state(op->ssl);
	else
		SSL_set_accept_state(op->ssl);
	return 0;
}

static void step_destruct(struct gev_ssl_op *op, int close_fd)
{
	if (close_fd) {
		BIO *bio = SSL_get_wbio(op->ssl);
		long fd = bio ? BIO_get_fd(bio, NULL) : -1;
		if (fd >= 0)
			close((int)fd);
	}
	SSL_free(op->ssl);
}

static const struct gev_ssl_funcs steps = {
	.abi = GEV_SSL_ABI,
	.read = step_read,
	.write = step_write,
	.handshake = step_handshake,
	.counts = step_counts,
	.renegotiate = step_renegotiate,
	.set_bio = step_set_bio,
	.restart = step_restart,
	.destruct = step_destruct,
};

/* ---- event2/bufferevent_ssl.h ------------------------------------------ */

static struct bufferevent *ssl_new(struct event_base *base, struct bufferevent *under, evutil_socket_t fd,
    SSL *ssl, enum bufferevent_ssl_state state, int options)
{
	const struct gev_ssl_api *a = ssl_api();
	struct bufferevent *bev = NULL;
	if (a) {
		/* Our output buffer may move between SSL_write retries. */
		SSL_set_mode(ssl, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
		bev = a->bev_new(base, under, fd, ssl, (int)state, options, &steps);
	}
	if (!bev && (options & BEV_OPT_CLOSE_ON_FREE))
		SSL_free(ssl);
	return bev;
}

struct bufferevent *bufferevent_openssl_socket_new(struct event_base *base, evutil_socket_t fd, SSL *ssl,
    enum bufferevent_ssl_state state, int options)
{
	BIO *bio;
	long have_fd = -1;

	if (!ssl) {
		warnf("bufferevent_openssl_socket_new: NULL SSL");
		return NULL;
	}
	bio = SSL_get_wbio(ssl);
	if (bio)
		have_fd = BIO_get_fd(bio, NULL);
	if (have_fd >= 0) {
		/* The SSL has a socket already: fd must be it (or -1). */
		if (fd < 0) {
			fd = (evutil_socket_t)have_fd;
		} else if (have_fd != (long)fd) {
			if (options & BEV_OPT_CLOSE_ON_FREE)
				SSL_free(ssl);
			return NULL;
		}
		(void)BIO_set_close(bio, 0);
	} else if (fd >= 0) {
		bio = BIO_new_socket(fd, 0);
		SSL_set_bio(ssl, bio, bio);
	}
	return ssl_new(base, NULL, fd, ssl, state, options);
}

struct bufferevent *bufferevent_openssl_filter_new(struct event_base *base, struct bufferevent *underlying,
    SSL *ssl, enum bufferevent_ssl_state state, int options)
{
	BIO *bio;

	if (!ssl) {
		warnf("bufferevent_openssl_filter_new: NULL SSL");
		return NULL;
	}
	if (!underlying || !(bio = bio_new_bufferevent(underlying))) {
		if (options & BEV_OPT_CLOSE_ON_FREE)
			SSL_free(ssl);
		return NULL;
	}
	SSL_set_bio(ssl, bio, bio);
	return ssl_new(base, underlying, -1, ssl, state, options);
}

static intptr_t ctl(struct bufferevent *bev, int op, int arg, const char *fn, intptr_t fail)
{
	const struct gev_ssl_api *a = ssl_api();
	return a ? a->ctl(bev, op, arg, fn) : fail;
}

SSL *bufferevent_openssl_get_ssl(struct bufferevent *bufev)
{
	return (SSL *)ctl(bufev, GEV_SSL_CTL_GET_SSL, 0, "bufferevent_openssl_get_ssl", 0);
}

int bufferevent_ssl_renegotiate(struct bufferevent *bev)
{
	return (int)ctl(bev, GEV_SSL_CTL_RENEGOTIATE, 0, "bufferevent_ssl_renegotiate", -1);
}

int bufferevent_openssl_get_allow_dirty_shutdown(struct bufferevent *bev)
{
	return (int)ctl(bev, GEV_SSL_CTL_GET_DIRTY, 0, "bufferevent_openssl_get_allow_dirty_shutdown", -1);
}

void bufferevent_openssl_set_allow_dirty_shutdown(struct bufferevent *bev, int allow_dirty_shutdown)
{
	ctl(bev, GEV_SSL_CTL_SET_DIRTY, allow_dirty_shutdown != 0, "bufferevent_openssl_set_allow_dirty_shutdown", 0);
}

unsigned long bufferevent_get_openssl_error(struct bufferevent *bev)
{
	return (unsigned long)(uint32_t)ctl(bev, GEV_SSL_CTL_GET_ERROR, 0, "bufferevent_get_openssl_error", 0);
}
