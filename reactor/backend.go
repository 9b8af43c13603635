package reactor

// backend is the contract between the reactor and an I/O multiplexer, in the
// spirit of libevent's struct eventop and Go's netpoll.
//
// Interest. The reactor keeps every event of an fd in one list and tells the
// backend only the fd's aggregate interest: the union of the events'
// EV_READ|EV_WRITE|EV_CLOSED bits, plus EV_ET when one of them is
// edge-triggered. It calls the backend only when that aggregate changes:
//
//	add(fd, mask)      fd was not registered; watch mask (never 0)
//	mod(fd, old, mask) fd was registered with old; watch mask instead (neither 0)
//	del(fd, old)       fd was registered with old; stop watching it
//
// The reactor's view can disagree with the kernel's after a program closed
// an fd without event_del and the number was reused: epoll reports EEXIST
// for an add, ENOENT for a modify, ENOENT/EBADF/EPERM for a delete. Like
// libevent, a backend retries add as modify and modify as add, and treats
// those delete errors as success. Any other failure is returned (and the
// reactor fails the event_add with a logged warning). A backend that cannot
// watch some bit (poll: EV_CLOSED, EV_ET) silently ignores it.
//
// Waiting. wait(timeout) blocks for at most timeout microseconds (-1: no
// limit, 0: just poll), rounding up to the kernel's millisecond granularity
// as libevent does. The blocking system call runs inside a cgo C call, so a
// signal handler that interrupts it runs on the C thread's stack; EINTR is a
// normal return with nothing ready (the loop then drains the signal pipe).
// For each ready fd it calls sink.ioReady(fd, what) with what a subset of
// EV_READ|EV_WRITE|EV_CLOSED; an edge-capable backend also sets EV_ET, as
// libevent's epoll does, so that edge-triggered events see it in ev_res.
// ioReady only activates events; it never changes registrations, so the
// backend may iterate its own buffers while reporting. (The epoll backend's
// wait is C code that activates the fds' events on the shared fd table
// itself, and reports only what it leaves to this side: run.c.) wait returns an
// error only when the multiplexer itself failed (the loop then returns -1).
//
// Lifetime. close releases the kernel object; the backend is not used again.
// After fork the reactor reinitialises by closing the backend, making a new
// one and calling add(fd, mask) for every fd that has events (the kernel
// object of the parent is never modified from the child).
type backend interface {
	name() string
	add(fd int, mask int16) error
	mod(fd int, old, mask int16) error
	del(fd int, old int16) error
	wait(timeoutUsec int64) error
	close()
	// epollFd is the epoll instance the C side may register fds with
	// (capi/iomap.h), or -1: the C side then leaves the fd map to the core.
	epollFd() int
}

// ioSink receives the ready fds of a wait.
type ioSink interface {
	ioReady(fd int, what int16)
}

// newBackend makes the backend for a GEV_METHOD_* value.
func newBackend(method int32, b *Base) (backend, error) {
	switch method {
	case MethodPoll:
		return newPollBackend(b)
	default:
		return newEpollBackend(b)
	}
}

// usecToMsec converts a wait timeout to milliseconds, rounding up (as
// libevent's evutil_tv_to_msec_), with -1 for no limit and max as the cap.
func usecToMsec(usec int64, max int64) int {
	if usec < 0 {
		return -1
	}
	ms := (usec + 999) / 1000
	if ms > max {
		ms = max
	}
	return int(ms)
}
