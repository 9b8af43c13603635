/* dns_system_conf: evdns_base_new with EVDNS_BASE_INITIALIZE_NAMESERVERS
 * and evdns_init read the system's /etc/resolv.conf and /etc/hosts. Each
 * variant runs in a child (forked before any libevent call) in a private
 * mount namespace where our files are bind-mounted over the system's (or
 * /etc is an empty tmpfs): nameservers, search list and options taken
 * from the file, hosts entries answered by evdns_getaddrinfo; no
 * nameserver in the file (2.1.12: no resolver, unless
 * EVDNS_BASE_NAMESERVERS_NO_DEFAULT); no file at all (no resolver);
 * evdns_init and its global base (after event_init, and without it). Needs root (unshare, mount); exits 77
 * (skipped) otherwise. */
/* timeout: 30 */
#define _GNU_SOURCE
#include <event2/dns.h>
#include <event2/dns_compat.h>
#include <event2/event.h>
#include <event2/event_compat.h>
#include <sched.h>
#include <sys/mount.h>

#include "fork.h"
#include "dnstest.h"

static struct tc_dns_server srv;
static char dir[64];

static int handler(struct tc_dns_query *q, unsigned char *out, void *arg)
{
	(void)arg;
	if (tc_dns_is(q, "www.sys.test"))
		return tc_dns_answer(out, q, "10.0.0.42", 60);
	return tc_dns_error(out, q, 3, -1, 0);
}

static struct event_base *base;
static char line[256];
static void cb(int result, char type, int count, int ttl, void *addresses, void *arg)
{
	(void)arg;
	tc_dns_describe(line, sizeof line, result, type, count, ttl, addresses);
	event_base_loopexit(base, NULL);
}
static void gai_cb(int result, struct evutil_addrinfo *res, void *arg)
{
	char a[64] = "none";
	(void)arg;
	if (result == 0 && res)
		inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr, a, sizeof a);
	tc_report("  getaddrinfo fromhosts: result %d, %s (during the call)", result, a);
	if (res)
		evutil_freeaddrinfo(res);
}

/* In the child: our files over the system's (NULL resolv: /etc emptied). */
static int isolate(const char *resolv, const char *hosts)
{
	char path[128];
	if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		return -1;
	if (!resolv)
		return mount("tmpfs", "/etc", "tmpfs", 0, "size=64k");
	snprintf(path, sizeof path, "%s/resolv.conf", dir);
	FILE *f = fopen(path, "w");
	fputs(resolv, f);
	fclose(f);
	if (mount(path, "/etc/resolv.conf", NULL, MS_BIND, NULL) != 0)
		return -1;
	snprintf(path, sizeof path, "%s/hosts", dir);
	f = fopen(path, "w");
	fputs(hosts, f);
	fclose(f);
	return mount(path, "/etc/hosts", NULL, MS_BIND, NULL);
}

static void variant(const char *what, const char *resolv, const char *hosts, int flags, int init)
{
	int fds[2], status;
	char out[4096];
	printf("%s:\n", what);
	fflush(stdout);
	if (pipe(fds) != 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		tc_report_to(fds[1]);
		tc_child_alarm(what, 10);
		if (isolate(resolv, hosts) != 0) {
			tc_report("  cannot isolate: %s", strerror(errno));
			_exit(1);
		}
		/* evdns_init's base is the global one (event_init) */
		base = init == 1 ? event_init() : event_base_new();
		struct evdns_base *dns;
		if (init) {
			int r = evdns_init();
			tc_report("  evdns_init: %d", r);
			dns = evdns_get_global_base();
		} else {
			dns = evdns_base_new(base, flags);
			tc_report("  evdns_base_new: %s", dns ? "a resolver" : "NULL");
		}
		if (dns) {
			tc_report("  nameservers: %d", evdns_base_count_nameservers(dns));
			if (evdns_base_count_nameservers(dns) > 0) {
				struct timeval guard = { 3, 0 };
				evdns_base_resolve_ipv4(dns, "www", 0, cb, NULL);
				event_base_loopexit(base, &guard);
				event_base_dispatch(base);
				tc_report("  www (search list from the file): %s", line);
			}
			evdns_getaddrinfo(dns, "fromhosts", NULL, NULL, gai_cb, NULL);
			if (init)
				evdns_shutdown(0);
			else
				evdns_base_free(dns, 0);
		}
		event_base_free(base);
		_exit(0);
	}
	close(fds[1]);
	tc_collect_child(pid, fds[0], out, sizeof out, 15, &status);
	close(fds[0]);
	printf("%s", out);
	printf("  child exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

int main(void)
{
	char resolv[256];
	tc_alarm("dns_system_conf", 25);
	if (geteuid() != 0) {
		printf("skipped: needs root (a private mount namespace)\n");
		return 77;
	}
	/* can this process make a mount namespace at all? */
	pid_t p = fork();
	if (p == 0)
		_exit(unshare(CLONE_NEWNS) == 0 ? 0 : 1);
	int st;
	waitpid(p, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		printf("skipped: cannot make a mount namespace\n");
		return 77;
	}
	if (tc_dns_start(&srv, handler, NULL) != 0)
		return 1;
	snprintf(dir, sizeof dir, "/tmp/dns_sysconf.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	snprintf(resolv, sizeof resolv, "nameserver 127.0.0.1:%d\nsearch sys.test\noptions timeout:1 attempts:1\n", srv.port);
	static const char hosts[] = "127.0.0.1 localhost\n10.9.8.7 fromhosts\n";

	variant("resolv.conf with a nameserver", resolv, hosts, EVDNS_BASE_INITIALIZE_NAMESERVERS, 0);
	variant("no nameserver in it", "search sys.test\n", hosts, EVDNS_BASE_INITIALIZE_NAMESERVERS, 0);
	variant("no nameserver, NAMESERVERS_NO_DEFAULT", "search sys.test\n", hosts,
	    EVDNS_BASE_INITIALIZE_NAMESERVERS | EVDNS_BASE_NAMESERVERS_NO_DEFAULT, 0);
	variant("no resolv.conf at all", NULL, NULL, EVDNS_BASE_INITIALIZE_NAMESERVERS, 0);
	variant("no resolv.conf, NAMESERVERS_NO_DEFAULT", NULL, NULL,
	    EVDNS_BASE_INITIALIZE_NAMESERVERS | EVDNS_BASE_NAMESERVERS_NO_DEFAULT, 0);
	variant("without the flag (files not read)", resolv, hosts, 0, 0);
	variant("event_init, evdns_init", resolv, hosts, 0, 1);
	variant("event_init, evdns_init, no nameserver", "search sys.test\n", hosts, 0, 1);
	variant("evdns_init without event_init", resolv, hosts, 0, 2);

	tc_dns_stop(&srv);
	snprintf(resolv, sizeof resolv, "rm -rf %s", dir);
	if (system(resolv) != 0)
		printf("cleanup failed\n");
	printf("done\n");
	return 0;
}
