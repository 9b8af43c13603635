/*
 * dns_misuse.c - goevent only: the evdns functions refuse NULL and freed
 * handles (evdns_base, evdns_request, evdns_server_port, server requests,
 * evdns_getaddrinfo_request) and NULL names, callbacks and addresses with
 * libevent's failure value and a logged message where libevent crashes;
 * the compat functions without a global base fail likewise; a freed
 * evdns_base closes its nameserver sockets (no descriptor left); the
 * event_base freed before its evdns_base (libevent's use after free) is
 * survived. Exit 0 when every check holds.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/dns.h>
#include <event2/dns_compat.h>
#include <event2/dns_struct.h>
#include <event2/event.h>

#include "testcase.h"

static int ncb;
static void cb(int result, char type, int count, int ttl, void *addresses, void *arg)
{
	(void)result; (void)type; (void)count; (void)ttl; (void)addresses; (void)arg;
	ncb++;
}
static void gai_cb(int result, struct evutil_addrinfo *res, void *arg)
{
	(void)arg;
	ncb++;
	if (result == 0 && res)
		evutil_freeaddrinfo(res);
}
static void srv_cb(struct evdns_server_request *req, void *arg)
{
	(void)req; (void)arg;
}

static int count_fds(void)
{
	int n = 0;
	for (int fd = 0; fd < 1024; fd++)
		n += tc_fd_open(fd);
	return n;
}

int main(void)
{
	char m[160];
	struct in_addr in4 = { 0 };
	struct sockaddr_storage ss;

	tc_log_capture();
	struct event_base *base = event_base_new();
	struct evdns_base *dead = evdns_base_new(base, 0);
	evdns_base_free(dead, 0);

	struct evdns_base *bad[2] = { NULL, dead };
	for (int i = 0; i < 2; i++) {
		const char *w = i ? "freed" : "NULL";
		struct evdns_base *b = bad[i];
#define CHECK(name, expr, cond) do { long r_; int n_ = tc_log_.n; r_ = (long)(expr); snprintf(m, sizeof m, "%s on a %s evdns_base: %ld, logged", name, w, r_); TC_CHECK(m, (cond) && tc_log_.n > n_); } while (0)
#define CHECK_VOID(name, stmt) do { int n_ = tc_log_.n; stmt; snprintf(m, sizeof m, "%s on a %s evdns_base logged", name, w); TC_CHECK(m, tc_log_.n > n_); } while (0)
		CHECK("evdns_base_count_nameservers", evdns_base_count_nameservers(b), r_ == -1);
		CHECK("evdns_base_nameserver_ip_add", evdns_base_nameserver_ip_add(b, "127.0.0.1"), r_ == -1);
		CHECK("evdns_base_nameserver_add", evdns_base_nameserver_add(b, 0x0100007f), r_ == -1);
		CHECK("evdns_base_clear_nameservers_and_suspend", evdns_base_clear_nameservers_and_suspend(b), r_ == -1);
		CHECK("evdns_base_resume", evdns_base_resume(b), r_ == -1);
		CHECK("evdns_base_set_option", evdns_base_set_option(b, "timeout", "1"), r_ == -1);
		CHECK("evdns_base_resolv_conf_parse", evdns_base_resolv_conf_parse(b, DNS_OPTIONS_ALL, "/nonexistent"), r_ == -1);
		CHECK("evdns_base_resolve_ipv4", evdns_base_resolve_ipv4(b, "x.test", 0, cb, NULL) != NULL, r_ == 0);
		CHECK("evdns_base_resolve_reverse", evdns_base_resolve_reverse(b, &in4, 0, cb, NULL) != NULL, r_ == 0);
		CHECK("evdns_base_get_nameserver_addr", evdns_base_get_nameserver_addr(b, 0, (struct sockaddr *)&ss, sizeof ss), r_ == -1);
		CHECK_VOID("evdns_base_search_add", evdns_base_search_add(b, "x.test"));
		CHECK_VOID("evdns_base_search_clear", evdns_base_search_clear(b));
		CHECK_VOID("evdns_base_search_ndots_set", evdns_base_search_ndots_set(b, 2));
		CHECK_VOID("evdns_base_clear_host_addresses", evdns_base_clear_host_addresses(b));
		if (i == 1) {
			CHECK_VOID("evdns_base_free (double free)", evdns_base_free(b, 0));
			int n0 = ncb;
			CHECK("evdns_getaddrinfo", evdns_getaddrinfo(b, "x.test", NULL, NULL, gai_cb, NULL) != NULL, r_ == 0);
			TC_CHECK("... its callback ran with a failure", ncb == n0 + 1);
		}
	}

	struct evdns_base *dns = evdns_base_new(base, 0);
	tc_log_reset();
	TC_EXPECT_LOGGED("resolve a NULL name", TC_CHECK("... NULL", evdns_base_resolve_ipv4(dns, NULL, 0, cb, NULL) == NULL));
	TC_EXPECT_LOGGED("resolve without a callback", TC_CHECK("... NULL", evdns_base_resolve_ipv6(dns, "x.test", 0, NULL, NULL) == NULL));
	TC_EXPECT_LOGGED("reverse of NULL", TC_CHECK("... NULL", evdns_base_resolve_reverse_ipv6(dns, NULL, 0, cb, NULL) == NULL));
	TC_EXPECT_LOGGED("ip_add NULL", TC_CHECK("... -1", evdns_base_nameserver_ip_add(dns, NULL) == -1));
	TC_EXPECT_LOGGED("sockaddr_add NULL", TC_CHECK("... -1", evdns_base_nameserver_sockaddr_add(dns, NULL, 16, 0) == -1));
	TC_EXPECT_LOGGED("set_option NULL", TC_CHECK("... -1", evdns_base_set_option(dns, NULL, "1") == -1));
	TC_EXPECT_LOGGED("search_add NULL", evdns_base_search_add(dns, NULL));
	TC_EXPECT_LOGGED("getaddrinfo without a callback", TC_CHECK("... NULL", evdns_getaddrinfo(dns, "x", NULL, NULL, NULL, NULL) == NULL));
	TC_EXPECT_LOGGED("cancel NULL", evdns_cancel_request(dns, NULL));
	TC_EXPECT_LOGGED("getaddrinfo_cancel NULL", evdns_getaddrinfo_cancel(NULL));

	/* a request whose callback ran is gone */
	evdns_base_nameserver_ip_add(dns, "127.0.0.1:9");
	struct evdns_request *req = evdns_base_resolve_ipv4(dns, "x.test", 0, cb, NULL);
	evdns_cancel_request(dns, req);
	event_base_loop(base, EVLOOP_NONBLOCK);
	TC_EXPECT_LOGGED("cancel of a request whose callback ran", evdns_cancel_request(dns, req));

	/* server port and requests */
	TC_EXPECT_LOGGED("server port without a callback",
	    TC_CHECK("... NULL", evdns_add_server_port_with_base(base, -1, 0, NULL, NULL) == NULL));
	TC_EXPECT_LOGGED("close NULL port", evdns_close_server_port(NULL));
	TC_EXPECT_LOGGED("respond NULL", TC_CHECK("... -1", evdns_server_request_respond(NULL, 0) == -1));
	TC_EXPECT_LOGGED("drop NULL", TC_CHECK("... -1", evdns_server_request_drop(NULL) == -1));
	TC_EXPECT_LOGGED("add_reply NULL", TC_CHECK("... -1", evdns_server_request_add_a_reply(NULL, "x", 1, "abcd", 1) == -1));
	TC_EXPECT_LOGGED("set_flags NULL", evdns_server_request_set_flags(NULL, 0));
	TC_EXPECT_LOGGED("get_requesting_addr NULL",
	    TC_CHECK("... -1", evdns_server_request_get_requesting_addr(NULL, (struct sockaddr *)&ss, sizeof ss) == -1));
	(void)srv_cb;

	/* the compat functions without a global base */
	TC_EXPECT_LOGGED("evdns_count_nameservers without a global base", TC_CHECK("... -1", evdns_count_nameservers() == -1));
	TC_EXPECT_LOGGED("evdns_resolve_ipv4 without a global base", TC_CHECK("... -1", evdns_resolve_ipv4("x", 0, cb, NULL) == -1));
	TC_EXPECT_LOGGED("evdns_search_add without a global base", evdns_search_add("x"));

	/* a freed evdns_base leaves no descriptor behind */
	int before = count_fds();
	struct evdns_base *d2 = evdns_base_new(base, 0);
	evdns_base_nameserver_ip_add(d2, "127.0.0.1:53");
	evdns_base_nameserver_ip_add(d2, "127.0.0.2:53");
	evdns_base_nameserver_ip_add(d2, "[::1]:53");
	TC_CHECK("three nameserver sockets open", count_fds() == before + 3);
	evdns_base_free(d2, 1);
	TC_CHECK("none left after evdns_base_free", count_fds() == before);

	/* the event_base freed first (libevent: a use after free) */
	evdns_base_resolve_ipv4(dns, "y.test", 0, cb, NULL);
	event_base_free(base);
	evdns_base_free(dns, 1);
	TC_CHECK("evdns_base_free after event_base_free survived", 1);

	printf("%d failures\n", tc_failures);
	return tc_exit_status();
}
