/*
 * log.c - libevent's logging: messages go to the program's log callback
 * (event_set_log_callback) or, by default, to stderr as "[severity] text".
 * Debug-severity messages exist only while event_enable_debug_logging is on.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capi.h"

static event_log_cb log_cb; /* program's callback, or NULL for stderr */

void event_set_log_callback(event_log_cb cb)
{
	log_cb = cb;
}

/* event_enable_debug_logging: 0 (libevent's default) keeps debug-severity
 * messages from being produced at all. */
uint32_t gev_debug_mask;

void event_enable_debug_logging(ev_uint32_t which)
{
	gev_debug_mask = which;
}

void gev_log(int severity, const char *msg)
{
	/* The core's debug messages (svc.Logf) are dropped here too. */
	if (severity == EVENT_LOG_DEBUG && !gev_debug_mask)
		return;
	if (log_cb) {
		log_cb(severity, msg);
		return;
	}
	const char *name;
	switch (severity) {
	case EVENT_LOG_DEBUG: name = "debug"; break;
	case EVENT_LOG_MSG:   name = "msg";   break;
	case EVENT_LOG_WARN:  name = "warn";  break;
	case EVENT_LOG_ERR:   name = "err";   break;
	default:              name = "???";   break;
	}
	(void)fprintf(stderr, "[%s] %s\n", name, msg);
}

static void gev_vlog(int severity, const char *fmt, va_list ap)
{
	char buf[1024];
	vsnprintf(buf, sizeof buf, fmt, ap);
	gev_log(severity, buf);
}

void gev_warnx(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	gev_vlog(EVENT_LOG_WARN, fmt, ap);
	va_end(ap);
}

void gev_debugx_(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	gev_vlog(EVENT_LOG_DEBUG, fmt, ap);
	va_end(ap);
}

void gev_msgx(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	gev_vlog(EVENT_LOG_MSG, fmt, ap);
	va_end(ap);
}

/* event_warn, event_warnx: libevent's own warning functions, exported by
 * Debian's libraries although no header declares them; the code that
 * event_rpcgen.py generates declares and calls them. event_warn appends
 * ": " and errno's text, as libevent does. */
void event_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void event_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void event_warnx(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	gev_vlog(EVENT_LOG_WARN, fmt, ap);
	va_end(ap);
}

void event_warn(const char *fmt, ...)
{
	char buf[1024];
	const char *err = strerror(errno);
	size_t n;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	n = strlen(buf);
	if (n < sizeof buf - 3)
		snprintf(buf + n, sizeof buf - n, ": %s", err);
	gev_log(EVENT_LOG_WARN, buf);
}

/* ---- fatal errors (event_set_fatal_callback) ---- */

static event_fatal_cb fatal_cb; /* program's callback, or NULL */

void event_set_fatal_callback(event_fatal_cb cb)
{
	fatal_cb = cb;
}

/* libevent's contract: the fatal callback must not return; if it does, or if
 * none is set, the process ends (abort() for EVENT_ERR_ABORT_, else exit(err)). */
void gev_errx(int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	gev_vlog(EVENT_LOG_ERR, fmt, ap);
	va_end(ap);
	if (fatal_cb) {
		fatal_cb(err);
		exit(err);
	}
	if (err == GEV_ERR_ABORT)
		abort();
	exit(err);
}
