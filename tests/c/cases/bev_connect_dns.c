/* bev_connect_dns: bufferevent_socket_connect_hostname with an evdns_base.
 * The name is looked up with evdns (the bufferevent neither reads nor
 * writes meanwhile) and the first address connected to; a lookup error
 * runs the event callback with BEV_EVENT_ERROR and
 * bufferevent_socket_get_dns_error tells it; a numeric host connects at
 * once; AF_UNSPEC takes the IPv4 answer first; bufferevent_setfd during the
 * lookup cancels it (dns error EVUTIL_EAI_CANCEL, no callback); data
 * written during the lookup goes out once connected; bad family/port. */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "testcase.h"
#include "dnstest.h"

static struct event_base *base;
static int accepted;

static int handler(struct tc_dns_query *q, unsigned char *out, void *arg)
{
	(void)arg;
	if (tc_dns_is(q, "svc.test") || tc_dns_is(q, "both.test"))
		return tc_dns_answer(out, q, q->qtype == 1 ? "127.0.0.1" : "::1", 60);
	if (tc_dns_is(q, "slow.test")) {
		q->delay_ms = 300;
		return tc_dns_answer(out, q, "127.0.0.1", 60);
	}
	return tc_dns_error(out, q, 3, -1, 0);
}

static void srv_read(struct bufferevent *b, void *arg)
{
	(void)arg;
	bufferevent_write_buffer(b, bufferevent_get_input(b));
}
static void srv_event(struct bufferevent *b, short what, void *arg)
{
	(void)what; (void)arg;
	bufferevent_free(b);
}
static void accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int len, void *arg)
{
	(void)sa; (void)len; (void)arg;
	accepted++;
	struct bufferevent *b = bufferevent_socket_new(evconnlistener_get_base(l), fd, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(b, srv_read, NULL, srv_event, NULL);
	bufferevent_enable(b, EV_READ | EV_WRITE);
}

static void cli_read(struct bufferevent *b, void *arg)
{
	char buf[64];
	size_t n = bufferevent_read(b, buf, sizeof buf - 1);
	buf[n] = 0;
	printf("  %s: read '%s'\n", (const char *)arg, buf);
	event_base_loopexit(base, NULL);
}
static void cli_event(struct bufferevent *b, short what, void *arg)
{
	int e = bufferevent_socket_get_dns_error(b);
	printf("  %s: event %s, dns error %d%s%s\n", (const char *)arg, tc_bev_what(what), e,
	    e ? " " : "", e ? evutil_gai_strerror(e) : "");
	if (!(what & BEV_EVENT_CONNECTED))
		event_base_loopexit(base, NULL);
}

static void run(void)
{
	struct timeval guard = { 2, 0 };
	event_base_loopexit(base, &guard);
	event_base_dispatch(base);
}

static struct bufferevent *client(const char *tag)
{
	struct bufferevent *b = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(b, cli_read, NULL, cli_event, (void *)tag);
	bufferevent_enable(b, EV_READ | EV_WRITE);
	return b;
}

int main(void)
{
	struct tc_dns_server srv;
	struct sockaddr_in sin;
	tc_alarm("bev_connect_dns", 15);
	if (tc_dns_start(&srv, handler, NULL) != 0)
		return 1;
	base = event_base_new();
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(0x7f000001);
	struct evconnlistener *lev = evconnlistener_new_bind(base, accept_cb, NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, -1, (struct sockaddr *)&sin, sizeof sin);
	socklen_t sl = sizeof sin;
	getsockname(evconnlistener_get_fd(lev), (struct sockaddr *)&sin, &sl);
	int port = ntohs(sin.sin_port);
	struct evdns_base *dns = evdns_base_new(base, 0);
	evdns_base_nameserver_ip_add(dns, tc_dns_addr(&srv));

	printf("svc.test:\n");
	struct bufferevent *b = client("svc");
	bufferevent_write(b, "hello", 5);
	printf("  connect_hostname: %d\n", bufferevent_socket_connect_hostname(b, dns, AF_INET, "svc.test", port));
	printf("  fd during the lookup: %s\n", bufferevent_getfd(b) < 0 ? "none" : "set");
	run();
	bufferevent_free(b);

	printf("nx.test:\n");
	b = client("nx");
	printf("  connect_hostname: %d\n", bufferevent_socket_connect_hostname(b, dns, AF_INET, "nx.test", port));
	run();
	bufferevent_free(b);

	printf("numeric:\n");
	b = client("numeric");
	bufferevent_write(b, "numbers", 7);
	printf("  connect_hostname: %d\n", bufferevent_socket_connect_hostname(b, dns, AF_UNSPEC, "127.0.0.1", port));
	run();
	bufferevent_free(b);

	printf("both.test, AF_UNSPEC:\n");
	b = client("both");
	bufferevent_write(b, "unspec", 6);
	printf("  connect_hostname: %d\n", bufferevent_socket_connect_hostname(b, dns, AF_UNSPEC, "both.test", port));
	run();
	bufferevent_free(b);

	printf("setfd during the lookup:\n");
	b = client("cancelled");
	printf("  connect_hostname: %d\n", bufferevent_socket_connect_hostname(b, dns, AF_INET, "slow.test", port));
	bufferevent_setfd(b, -1);
	struct timeval wait = { 0, 500000 };
	event_base_loopexit(base, &wait);
	event_base_dispatch(base);
	printf("  dns error %d, fd %s\n", bufferevent_socket_get_dns_error(b), bufferevent_getfd(b) < 0 ? "none" : "set");
	bufferevent_free(b);

	printf("bad arguments:\n");
	b = client("bad");
	printf("  family AF_UNIX: %d\n", bufferevent_socket_connect_hostname(b, dns, AF_UNIX, "svc.test", port));
	printf("  port 0: %d\n", bufferevent_socket_connect_hostname(b, dns, AF_INET, "svc.test", 0));
	printf("  port 65536: %d\n", bufferevent_socket_connect_hostname(b, dns, AF_INET, "svc.test", 65536));
	bufferevent_free(b);

	printf("connections accepted: %d\n", accepted);
	evconnlistener_free(lev);
	evdns_base_free(dns, 0);
	event_base_free(base);
	tc_dns_stop(&srv);
	printf("done\n");
	return 0;
}
