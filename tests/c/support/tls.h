/* tls.h — helpers shared by the libevent_openssl cases (tests/c/cases/ssl_*):
 * an identity (a P-256 key and a self-signed certificate made in memory by
 * the case itself: no files, no fixed names), server and client contexts,
 * and the formatting of OpenSSL error codes and SSL objects' state.
 *
 * Same rules as testcase.h: `static inline`, only public APIs (OpenSSL's and
 * libc), names start with tc_. A case using it says
 * `/ * libs: libevent_openssl libevent openssl * /` so that run.sh links
 * libevent_openssl and OpenSSL's libssl/libcrypto. The setup helpers at
 * the end (contexts, a loopback listener) use libevent's API too. */
#ifndef GOEVENT_TESTS_C_TLS_H
#define GOEVENT_TESTS_C_TLS_H

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <event2/event.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* A key and its self-signed certificate (the case's own CA and server at
 * once). */
struct tc_tls_id {
	EVP_PKEY *key;
	X509 *cert;
};

/* Makes a fresh identity whose certificate names cn. 0, or -1. */
static inline int tc_tls_make_id(struct tc_tls_id *id, const char *cn)
{
	static long serial = 1;
	X509_NAME *name;
	id->cert = NULL;
	id->key = EVP_EC_gen("P-256");
	if (!id->key)
		return -1;
	id->cert = X509_new();
	if (!id->cert)
		return -1;
	X509_set_version(id->cert, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(id->cert), serial++);
	X509_gmtime_adj(X509_getm_notBefore(id->cert), -3600);
	X509_gmtime_adj(X509_getm_notAfter(id->cert), 86400);
	X509_set_pubkey(id->cert, id->key);
	name = X509_get_subject_name(id->cert);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(id->cert, name);
	if (!X509_sign(id->cert, id->key, EVP_sha256()))
		return -1;
	return 0;
}

static inline void tc_tls_free_id(struct tc_tls_id *id)
{
	X509_free(id->cert);
	EVP_PKEY_free(id->key);
	id->cert = NULL;
	id->key = NULL;
}

/* A server context presenting id. max_version: 0 (any) or TLS1_2_VERSION... */
static inline SSL_CTX *tc_tls_server_ctx(const struct tc_tls_id *id, int max_version)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	if (!ctx)
		return NULL;
	if (SSL_CTX_use_certificate(ctx, id->cert) != 1 || SSL_CTX_use_PrivateKey(ctx, id->key) != 1) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	if (max_version)
		SSL_CTX_set_max_proto_version(ctx, max_version);
	return ctx;
}

/* A client context that verifies the server against trust (NULL: no
 * verification). */
static inline SSL_CTX *tc_tls_client_ctx(const struct tc_tls_id *trust, int max_version)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx)
		return NULL;
	if (trust) {
		X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), trust->cert);
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	}
	if (max_version)
		SSL_CTX_set_max_proto_version(ctx, max_version);
	return ctx;
}

/* An error code as bufferevent_get_openssl_error returns it: a small
 * number is an SSL_get_error() code libevent queued itself ("SSL_ERROR_SSL",
 * ...), anything else an OpenSSL error queue entry ("ssl:reason-text").
 * Returns a static buffer, valid until the next call. */
static inline const char *tc_tls_err(unsigned long e)
{
	static char s[160];
	static const char *codes[] = {"NONE", "SSL", "WANT_READ", "WANT_WRITE", "WANT_X509_LOOKUP",
		"SYSCALL", "ZERO_RETURN", "WANT_CONNECT", "WANT_ACCEPT"};
	const char *r;
	if (e == 0)
		return "0";
	if (e < sizeof(codes) / sizeof(codes[0])) {
		snprintf(s, sizeof(s), "SSL_ERROR_%s", codes[e]);
		return s;
	}
	r = ERR_reason_error_string(e);
	snprintf(s, sizeof(s), "%s:%s", ERR_lib_error_string(e) ? ERR_lib_error_string(e) : "?",
	    r ? r : "?");
	return s;
}

/* Every error bufferevent_get_openssl_error still holds for bev, printed
 * after label on one line ("label: none" when there is none). */
#define tc_tls_print_errors(label, bev) do { \
	unsigned long e_; \
	int n_ = 0; \
	printf("%s:", (label)); \
	while ((e_ = bufferevent_get_openssl_error(bev)) != 0) { \
		printf(" %s", tc_tls_err(e_)); \
		n_++; \
	} \
	printf("%s\n", n_ ? "" : " none"); \
} while (0)

/* ---- the cases' setup ---------------------------------------------------- */

/* The usual three: an identity for "localhost", a server context presenting
 * it and a client context trusting it, any protocol version. 0, or -1. */
static inline int tc_tls_setup(struct tc_tls_id *id, SSL_CTX **sctx, SSL_CTX **cctx)
{
	if (tc_tls_make_id(id, "localhost") < 0)
		return -1;
	*sctx = tc_tls_server_ctx(id, 0);
	*cctx = tc_tls_client_ctx(id, 0);
	return 0;
}

static inline void tc_tls_teardown(struct tc_tls_id *id, SSL_CTX *sctx, SSL_CTX *cctx)
{
	SSL_CTX_free(sctx);
	SSL_CTX_free(cctx);
	tc_tls_free_id(id);
}

/* A listener on 127.0.0.1 with a kernel-chosen port, whose address *sin
 * becomes: cb(..., NULL) for each connection; LEV_OPT_CLOSE_ON_FREE |
 * LEV_OPT_REUSEABLE | flags, backlog 16. NULL if it cannot bind. */
static inline struct evconnlistener *tc_tls_listen(struct event_base *base, evconnlistener_cb cb,
    unsigned flags, struct sockaddr_in *sin)
{
	socklen_t sl = sizeof(*sin);
	struct evconnlistener *lev;
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(0x7f000001);
	lev = evconnlistener_new_bind(base, cb, NULL, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | flags, 16,
	    (struct sockaddr *)sin, sizeof(*sin));
	if (lev)
		getsockname(evconnlistener_get_fd(lev), (struct sockaddr *)sin, &sl);
	return lev;
}

/* A guard timer's callback (arg: the base): prints "guard timer fired" and
 * stops the loop (event_base_loopexit). The _indented one prints the line
 * indented, for the cases that run scenarios under titles. */
static inline void tc_tls_guard_(struct event_base *base, const char *indent)
{
	printf("%sguard timer fired\n", indent);
	event_base_loopexit(base, NULL);
}

static inline void tc_tls_guard_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	tc_tls_guard_((struct event_base *)arg, "");
}

static inline void tc_tls_guard_indented_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	tc_tls_guard_((struct event_base *)arg, "  ");
}

#endif /* GOEVENT_TESTS_C_TLS_H */
