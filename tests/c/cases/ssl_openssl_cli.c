/* ssl_openssl_cli: TLS socket bufferevents talking to OpenSSL's own command
 * line tools on 127.0.0.1 (the case writes its certificate and key to a
 * private temporary directory):
 *   - a client bufferevent against `openssl s_server -rev` (which answers
 *     each line reversed), listening on a port the kernel chose (parsed from
 *     its "ACCEPT" line); the client closes with SSL_shutdown;
 *   - `openssl s_client` against a server bufferevent: it sends a line,
 *     gets the answer, and closes at the end of its input (close_notify).
 * Printed: events, lines, the servers' and clients' ends; the tools' own
 * output is not printed. Skipped (77) without the openssl command. */
/* libs: libevent_openssl libevent openssl */
/* timeout: 40 */
#define _GNU_SOURCE /* pipe2 */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>

#include <openssl/pem.h>
#include <sys/wait.h>

#include "testcase.h"
#include "tls.h"

static struct event_base *base;
static SSL_CTX *sctx, *cctx;
static struct bufferevent *bev;
static char line[256];
static size_t line_len;
static int child_in = -1, child_out = -1;

/* Runs argv with stdin/stdout on pipes (either may be NULL: /dev/null). */
static pid_t spawn(char *const argv[], int *in, int *out)
{
	int pin[2], pout[2];
	pid_t pid;
	/* close-on-exec: the tool must not hold the write end of its own input */
	if (pipe2(pin, O_CLOEXEC) != 0 || pipe2(pout, O_CLOEXEC) != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
		dup2(in ? pin[0] : devnull, 0);
		dup2(pout[1], 1);
		dup2(devnull, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(pin[0]);
	close(pout[1]);
	if (in)
		*in = pin[1];
	else
		close(pin[1]);
	*out = pout[0];
	return pid;
}

/* A line from fd, blocking (the safety alarm bounds it). */
static int read_line(int fd, char *buf, size_t n)
{
	size_t i = 0;
	while (i + 1 < n) {
		char c;
		if (read(fd, &c, 1) != 1)
			return -1;
		if (c == '\n')
			break;
		buf[i++] = c;
	}
	buf[i] = 0;
	return (int)i;
}

/* ---- part 1: our client, openssl s_server -rev ---- */

static void c_read(struct bufferevent *b, void *arg)
{
	struct evbuffer *in = bufferevent_get_input(b);
	char *l;
	(void)arg;
	while ((l = evbuffer_readln(in, NULL, EVBUFFER_EOL_LF)) != NULL) {
		printf("client read \"%s\"\n", l);
		free(l);
		printf("client SSL_shutdown sent close_notify: %s\n",
		    tc_yesno(SSL_shutdown(bufferevent_openssl_get_ssl(b)) >= 0));
		bufferevent_free(b);
		bev = NULL;
		event_base_loopexit(base, NULL);
	}
}

static void c_event(struct bufferevent *b, short what, void *arg)
{
	(void)arg;
	printf("client event %s\n", tc_bev_what(what));
	if (what & BEV_EVENT_CONNECTED) {
		bufferevent_write(b, "hello goevent\n", 14);
		return;
	}
	tc_tls_print_errors("client errors", b);
	bufferevent_free(b);
	bev = NULL;
	event_base_loopexit(base, NULL);
}

/* ---- part 2: openssl s_client, our server ---- */

static void s_read(struct bufferevent *b, void *arg)
{
	struct evbuffer *in = bufferevent_get_input(b);
	char *l;
	(void)arg;
	while ((l = evbuffer_readln(in, NULL, EVBUFFER_EOL_LF)) != NULL) {
		printf("server read \"%s\"\n", l);
		evbuffer_add_printf(bufferevent_get_output(b), "PONG %s\n", l);
		free(l);
	}
}

static void s_event(struct bufferevent *b, short what, void *arg)
{
	(void)arg;
	printf("server event %s\n", tc_bev_what(what));
	if (what & BEV_EVENT_CONNECTED)
		return;
	tc_tls_print_errors("server errors", b);
	bufferevent_free(b);
	bev = NULL;
	event_base_loopexit(base, NULL);
}

static void acceptcb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int len, void *arg)
{
	(void)l;
	(void)sa;
	(void)len;
	(void)arg;
	bev = bufferevent_openssl_socket_new(base, fd, SSL_new(sctx), BUFFEREVENT_SSL_ACCEPTING,
	    BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(bev, s_read, NULL, s_event, NULL);
	bufferevent_enable(bev, EV_READ);
}

/* s_client's output: the answer line; then its input is closed. */
static void child_out_cb(evutil_socket_t fd, short what, void *arg)
{
	char c;
	ssize_t n;
	(void)what;
	(void)arg;
	n = read(fd, &c, 1);
	if (n <= 0)
		return;
	if (c != '\n') {
		if (line_len + 1 < sizeof(line))
			line[line_len++] = c;
		return;
	}
	line[line_len] = 0;
	printf("s_client printed \"%s\"\n", line);
	line_len = 0;
	close(child_in); /* end of its input: it closes the session */
	child_in = -1;
}

int main(void)
{
	struct tc_tls_id id;
	char dir[] = "/tmp/goevent-ssl-XXXXXX", certf[64], keyf[64], port_s[32], acc[128];
	FILE *f;
	struct sockaddr_in sin;
	struct evconnlistener *lev;
	struct timeval tv = {10, 0};
	struct event *g, *ev_out;
	pid_t pid;
	int status, port;

	tc_alarm("ssl_openssl_cli", 35);
	signal(SIGPIPE, SIG_IGN);
	if (system("openssl version >/dev/null 2>&1") != 0) {
		printf("skipped: no openssl command\n");
		return 77;
	}
	if (tc_tls_setup(&id, &sctx, &cctx) < 0 || !mkdtemp(dir))
		return 1;
	snprintf(certf, sizeof(certf), "%s/cert.pem", dir);
	snprintf(keyf, sizeof(keyf), "%s/key.pem", dir);
	f = fopen(certf, "w");
	PEM_write_X509(f, id.cert);
	fclose(f);
	f = fopen(keyf, "w");
	PEM_write_PrivateKey(f, id.key, NULL, NULL, 0, NULL, NULL);
	fclose(f);
	base = event_base_new();
	g = evtimer_new(base, tc_tls_guard_cb, base);

	/* part 1 */
	printf("our client, openssl s_server -rev:\n");
	{
		char *argv[] = {"openssl", "s_server", "-accept", "127.0.0.1:0", "-cert", certf, "-key", keyf,
			"-naccept", "1", "-rev", NULL};
		pid = spawn(argv, NULL, &child_out);
	}
	port = -1;
	while (read_line(child_out, acc, sizeof(acc)) >= 0)
		if (sscanf(acc, "ACCEPT 127.0.0.1:%d", &port) == 1)
			break;
	printf("s_server listening: %s\n", tc_yesno(port > 0));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(0x7f000001);
	sin.sin_port = htons((unsigned short)port);
	bev = bufferevent_openssl_socket_new(base, -1, SSL_new(cctx), BUFFEREVENT_SSL_CONNECTING,
	    BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(bev, c_read, NULL, c_event, NULL);
	bufferevent_enable(bev, EV_READ);
	bufferevent_socket_connect(bev, (struct sockaddr *)&sin, sizeof(sin));
	evtimer_add(g, &tv);
	event_base_dispatch(base);
	if (bev)
		bufferevent_free(bev);
	bev = NULL;
	/* drain its chatter until it exits (-naccept 1) */
	while (read(child_out, acc, sizeof(acc)) > 0)
		;
	close(child_out);
	waitpid(pid, &status, 0);
	printf("s_server exited: %s\n", tc_yesno(WIFEXITED(status)));

	/* part 2 */
	printf("openssl s_client, our server:\n");
	lev = tc_tls_listen(base, acceptcb, 0, &sin);
	snprintf(port_s, sizeof(port_s), "127.0.0.1:%d", ntohs(sin.sin_port));
	{
		char *argv[] = {"openssl", "s_client", "-quiet", "-no_ign_eof", "-connect", port_s, NULL};
		pid = spawn(argv, &child_in, &child_out);
	}
	if (write(child_in, "ping\n", 5) != 5)
		printf("cannot write to s_client\n");
	evutil_make_socket_nonblocking(child_out); /* as debug mode wants */
	ev_out = event_new(base, child_out, EV_READ | EV_PERSIST, child_out_cb, NULL);
	event_add(ev_out, NULL);
	evtimer_add(g, &tv);
	event_base_dispatch(base);
	event_free(ev_out);
	if (bev)
		bufferevent_free(bev);
	if (child_in >= 0)
		close(child_in);
	close(child_out);
	waitpid(pid, &status, 0);
	printf("s_client exited with status %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);

	evconnlistener_free(lev);
	event_free(g);
	event_base_free(base);
	unlink(certf);
	unlink(keyf);
	rmdir(dir);
	tc_tls_teardown(&id, sctx, cctx);
	return 0;
}
