/*
 * goevent -- event2/dns_compat.h
 *
 * The evdns functions of libevent 1.x: the same as those of event2/dns.h,
 * on one global evdns_base (evdns_init, or made on first use by the
 * functions that add nameservers, options or a resolv.conf) that runs on the
 * event_base of event_init().
 */
#ifndef EVENT2_DNS_COMPAT_H_INCLUDED_
#define EVENT2_DNS_COMPAT_H_INCLUDED_

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
#include <event2/visibility.h>
/* evdns_callback_type and evdns_request_callback_fn_type */
#include <event2/dns.h>

/* Make the global evdns_base from /etc/resolv.conf.  0 on success. */
EVENT2_EXPORT_SYMBOL
int evdns_init(void);

struct evdns_base;

/* The global evdns_base, or NULL. */
EVENT2_EXPORT_SYMBOL
struct evdns_base *evdns_get_global_base(void);

/* Free the global evdns_base (see evdns_base_free) and forget the log
 * function. */
EVENT2_EXPORT_SYMBOL
void evdns_shutdown(int fail_requests);

/* evdns_base_nameserver_add on the global base. */
EVENT2_EXPORT_SYMBOL
int evdns_nameserver_add(unsigned long int address);

/* evdns_base_count_nameservers on the global base. */
EVENT2_EXPORT_SYMBOL
int evdns_count_nameservers(void);

/* evdns_base_clear_nameservers_and_suspend on the global base. */
EVENT2_EXPORT_SYMBOL
int evdns_clear_nameservers_and_suspend(void);

/* evdns_base_resume on the global base. */
EVENT2_EXPORT_SYMBOL
int evdns_resume(void);

/* evdns_base_nameserver_ip_add on the global base. */
EVENT2_EXPORT_SYMBOL
int evdns_nameserver_ip_add(const char *ip_as_string);

/* Lookups on the global base: 0 when started, -1 on error. */
EVENT2_EXPORT_SYMBOL
int evdns_resolve_ipv4(const char *name, int flags, evdns_callback_type callback, void *ptr);

EVENT2_EXPORT_SYMBOL
int evdns_resolve_ipv6(const char *name, int flags, evdns_callback_type callback, void *ptr);

struct in_addr;
struct in6_addr;

EVENT2_EXPORT_SYMBOL
int evdns_resolve_reverse(const struct in_addr *in, int flags, evdns_callback_type callback, void *ptr);

EVENT2_EXPORT_SYMBOL
int evdns_resolve_reverse_ipv6(const struct in6_addr *in, int flags, evdns_callback_type callback, void *ptr);

/* evdns_base_set_option on the global base (flags are ignored). */
EVENT2_EXPORT_SYMBOL
int evdns_set_option(const char *option, const char *val, int flags);

/* evdns_base_resolv_conf_parse on the global base. */
EVENT2_EXPORT_SYMBOL
int evdns_resolv_conf_parse(int flags, const char *const filename);

/* Search domains of the global base. */
EVENT2_EXPORT_SYMBOL
void evdns_search_clear(void);

EVENT2_EXPORT_SYMBOL
void evdns_search_add(const char *domain);

EVENT2_EXPORT_SYMBOL
void evdns_search_ndots_set(const int ndots);

/* evdns_add_server_port_with_base on the event_init() base. */
EVENT2_EXPORT_SYMBOL
struct evdns_server_port *
evdns_add_server_port(evutil_socket_t socket, int flags,
	evdns_request_callback_fn_type callback, void *user_data);

#ifdef _WIN32
EVENT2_EXPORT_SYMBOL
int evdns_config_windows_nameservers(void);
#define EVDNS_CONFIG_WINDOWS_NAMESERVERS_IMPLEMENTED
#endif

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_DNS_COMPAT_H_INCLUDED_ */
