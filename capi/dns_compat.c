/*
 * dns_compat.c - the evdns functions of libevent 1.x (event2/dns_compat.h
 * and the global-base ones of event2/dns.h): the event2 functions on one
 * global evdns_base. As in libevent, the functions that configure the
 * resolver make that base on first use (on the event_init() base); the
 * others need it to exist: where libevent would dereference NULL they log
 * and fail.
 */
#include "dns_capi.h"

struct evdns_base *gev_dns_current_base;

void gev_dns_forget_log_fn(void);

/* The global base, made on first use (evdns_base_new(NULL, 0)). */
static struct evdns_base *current_or_new(void)
{
	if (!gev_dns_current_base)
		gev_dns_current_base = evdns_base_new(NULL, 0);
	return gev_dns_current_base;
}

/* The global base, or NULL logged (naming fn). */
static struct evdns_base *current(const char *fn)
{
	if (!gev_dns_current_base)
		gev_warnx("%s: no global evdns_base (call evdns_init first)", fn);
	return gev_dns_current_base;
}

int evdns_init(void)
{
	struct evdns_base *b = evdns_base_new(NULL, EVDNS_BASE_INITIALIZE_NAMESERVERS);
	if (!b)
		return -1;
	gev_dns_current_base = b;
	return 0;
}

struct evdns_base *evdns_get_global_base(void)
{
	return gev_dns_current_base;
}

void evdns_shutdown(int fail_requests)
{
	if (gev_dns_current_base) {
		struct evdns_base *b = gev_dns_current_base;
		gev_dns_current_base = NULL;
		evdns_base_free(b, fail_requests);
	}
	gev_dns_forget_log_fn();
}

int evdns_nameserver_add(unsigned long int address)
{
	struct evdns_base *b = current_or_new();
	return b ? evdns_base_nameserver_add(b, address) : -1;
}

int evdns_nameserver_ip_add(const char *ip_as_string)
{
	struct evdns_base *b = current_or_new();
	return b ? evdns_base_nameserver_ip_add(b, ip_as_string) : -1;
}

int evdns_set_option(const char *option, const char *val, int flags)
{
	(void)flags; /* libevent ignores them too */
	struct evdns_base *b = current_or_new();
	return b ? evdns_base_set_option(b, option, val) : -1;
}

int evdns_resolv_conf_parse(int flags, const char *const filename)
{
	struct evdns_base *b = current_or_new();
	return b ? evdns_base_resolv_conf_parse(b, flags, filename) : -1;
}

int evdns_count_nameservers(void)
{
	struct evdns_base *b = current("evdns_count_nameservers");
	return b ? evdns_base_count_nameservers(b) : -1;
}

int evdns_clear_nameservers_and_suspend(void)
{
	struct evdns_base *b = current("evdns_clear_nameservers_and_suspend");
	return b ? evdns_base_clear_nameservers_and_suspend(b) : -1;
}

int evdns_resume(void)
{
	struct evdns_base *b = current("evdns_resume");
	return b ? evdns_base_resume(b) : -1;
}

int evdns_resolve_ipv4(const char *name, int flags, evdns_callback_type callback, void *ptr)
{
	struct evdns_base *b = current("evdns_resolve_ipv4");
	return b && evdns_base_resolve_ipv4(b, name, flags, callback, ptr) ? 0 : -1;
}

int evdns_resolve_ipv6(const char *name, int flags, evdns_callback_type callback, void *ptr)
{
	struct evdns_base *b = current("evdns_resolve_ipv6");
	return b && evdns_base_resolve_ipv6(b, name, flags, callback, ptr) ? 0 : -1;
}

int evdns_resolve_reverse(const struct in_addr *in, int flags, evdns_callback_type callback, void *ptr)
{
	struct evdns_base *b = current("evdns_resolve_reverse");
	return b && evdns_base_resolve_reverse(b, in, flags, callback, ptr) ? 0 : -1;
}

int evdns_resolve_reverse_ipv6(const struct in6_addr *in, int flags, evdns_callback_type callback, void *ptr)
{
	struct evdns_base *b = current("evdns_resolve_reverse_ipv6");
	return b && evdns_base_resolve_reverse_ipv6(b, in, flags, callback, ptr) ? 0 : -1;
}

void evdns_search_clear(void)
{
	struct evdns_base *b = current("evdns_search_clear");
	if (b)
		evdns_base_search_clear(b);
}

void evdns_search_add(const char *domain)
{
	struct evdns_base *b = current("evdns_search_add");
	if (b)
		evdns_base_search_add(b, domain);
}

void evdns_search_ndots_set(const int ndots)
{
	struct evdns_base *b = current("evdns_search_ndots_set");
	if (b)
		evdns_base_search_ndots_set(b, ndots);
}

struct evdns_server_port *evdns_add_server_port(evutil_socket_t socket, int flags,
    evdns_request_callback_fn_type callback, void *user_data)
{
	return evdns_add_server_port_with_base(NULL, socket, flags, callback, user_data);
}
