package reactor

import (
	"errors"
	"fmt"
	"unsafe"

	"goevent/internal/cmem"

	"golang.org/x/sys/unix"
)

const (
	epollInitEvents = 32
	epollMaxEvents  = 4096
	// epoll_wait's timeout is capped like libevent's (35 minutes), which
	// keeps the millisecond count far from overflow on every kernel.
	epollMaxTimeoutMsec = 35 * 60 * 1000
)

// epollBackend watches fds with one epoll instance and one registration per
// fd carrying the fd's aggregate interest.
type epollBackend struct {
	epfd    int
	b       *Base
	buf     unsafe.Pointer // C memory: nevents struct epoll_event
	out     unsafe.Pointer // C memory: nevents (fd, events) int32 pairs
	nevents int
	ctl     unix.EpollEvent // argument of epoll_ctl, kept here so it never escapes per call
}

// The buffers are published in struct event_base (EpEvents, EpOut, EpMax):
// the wait is C code (run.c's gev_epoll_wait_base) that run.c's loop calls
// too. Only this side allocates them.
func newEpollBackend(b *Base) (*epollBackend, error) {
	fd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("epoll_create1: %w", err)
	}
	e := &epollBackend{epfd: fd, b: b}
	if !e.alloc(epollInitEvents) {
		unix.Close(fd)
		return nil, errors.New("epoll: out of memory")
	}
	return e, nil
}

func (e *epollBackend) alloc(n int) bool {
	buf := cmem.Alloc(n * epollEventSize)
	out := cmem.Alloc(n * 8)
	if buf == nil || out == nil {
		cmem.Free(buf, n*epollEventSize)
		cmem.Free(out, n*8)
		return false
	}
	if e.buf != nil {
		cmem.Free(e.buf, e.nevents*epollEventSize)
		cmem.Free(e.out, e.nevents*8)
	}
	e.buf, e.out, e.nevents = buf, out, n
	c := e.b.c
	c.EpEvents, c.EpOut, c.EpMax, c.EpNleft = buf, (*int32)(out), int32(n), 0
	return true
}

func (e *epollBackend) name() string { return "epoll" }

func (e *epollBackend) epollFd() int { return e.epfd }

func epollMask(mask int16) uint32 {
	var m uint32
	if mask&EV_READ != 0 {
		m |= unix.EPOLLIN
	}
	if mask&EV_WRITE != 0 {
		m |= unix.EPOLLOUT
	}
	if mask&EV_CLOSED != 0 {
		m |= unix.EPOLLRDHUP
	}
	if mask&EV_ET != 0 {
		m |= unix.EPOLLET
	}
	return m
}

func (e *epollBackend) ctlOp(op, fd int, mask int16) error {
	e.ctl = unix.EpollEvent{Events: epollMask(mask), Fd: int32(fd)}
	// epoll_ctl never blocks: a raw system call, without the runtime's
	// entersyscall/exitsyscall.
	_, _, errno := unix.RawSyscall6(unix.SYS_EPOLL_CTL, uintptr(e.epfd), uintptr(op), uintptr(fd),
		uintptr(unsafe.Pointer(&e.ctl)), 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}

func (e *epollBackend) add(fd int, mask int16) error {
	err := e.ctlOp(unix.EPOLL_CTL_ADD, fd, mask)
	if err == unix.EEXIST {
		// The fd was closed and reused while still registered under a dup.
		err = e.ctlOp(unix.EPOLL_CTL_MOD, fd, mask)
	}
	if err != nil {
		return fmt.Errorf("epoll_ctl(ADD) on fd %d: %w", fd, err)
	}
	return nil
}

func (e *epollBackend) mod(fd int, old, mask int16) error {
	err := e.ctlOp(unix.EPOLL_CTL_MOD, fd, mask)
	if err == unix.ENOENT {
		// The fd was closed (dropping the kernel registration) and reused.
		err = e.ctlOp(unix.EPOLL_CTL_ADD, fd, mask)
	}
	if err != nil {
		return fmt.Errorf("epoll_ctl(MOD) on fd %d: %w", fd, err)
	}
	return nil
}

func (e *epollBackend) del(fd int, old int16) error {
	err := e.ctlOp(unix.EPOLL_CTL_DEL, fd, old)
	switch err {
	case nil, unix.ENOENT, unix.EBADF, unix.EPERM:
		// Already gone: closed fd, or never registrable.
		return nil
	}
	return fmt.Errorf("epoll_ctl(DEL) on fd %d: %w", fd, err)
}

func (e *epollBackend) wait(timeoutUsec int64) error {
	raceRelease(unsafe.Pointer(e.b.c.Thread))
	n := cEpollWait(e.b.c, usecToMsec(timeoutUsec, epollMaxTimeoutMsec))
	raceAcquire(unsafe.Pointer(e.b.c.Thread))
	if n < 0 {
		if unix.Errno(-n) == unix.EINTR {
			return nil
		}
		return fmt.Errorf("epoll_wait: %w", unix.Errno(-n))
	}
	e.afterWait(n == e.nevents && e.nevents < epollMaxEvents)
	return nil
}

// afterWait reports what the wait's C activation left to this side (an fd
// whose event's priority has no queue yet), then grows the buffers if the
// wait filled them.
func (e *epollBackend) afterWait(grow bool) {
	c := e.b.c
	left := int(c.EpNleft)
	c.EpNleft = 0
	out := unsafe.Slice(c.EpOut, 2*left)
	for i := 0; i < left; i++ {
		e.b.ioReady(int(out[2*i]), int16(out[2*i+1]))
	}
	if grow && e.nevents < epollMaxEvents {
		e.alloc(2 * e.nevents) // best effort: keep the old buffers on failure
	}
}

func (e *epollBackend) close() {
	if e.epfd >= 0 {
		unix.Close(e.epfd)
		e.epfd = -1
	}
	if e.buf != nil {
		cmem.Free(e.buf, e.nevents*epollEventSize)
		cmem.Free(e.out, e.nevents*8)
		e.buf, e.out, e.nevents = nil, nil, 0
		c := e.b.c
		c.EpEvents, c.EpOut, c.EpMax, c.EpNleft = nil, nil, 0, 0
	}
}
