package reactor

import (
	"errors"
	"fmt"
	"math"
	"unsafe"

	"goevent/internal/cmem"

	"golang.org/x/sys/unix"
)

// pollFd mirrors struct pollfd.
type pollFd struct {
	Fd      int32
	Events  int16
	Revents int16
}

// pollBackend watches fds with poll(2): a pollfd array in C memory (handed to
// poll without copying) and, per fd, its index in that array. Like
// Debian's libevent 2.1.12 poll backend (tests/c/cases/event_closed.c) it
// reports EV_CLOSED through POLLRDHUP, and ignores EV_ET.
type pollBackend struct {
	sink ioSink
	fds  unsafe.Pointer // C memory: cap pollFd
	n    int            // used entries
	cap  int
	idx  []int32  // per fd: index in fds + 1, 0 when absent
	snap pollSnap // copy of fds polled without the lock of a thread-safe base (lock.go)
}

func newPollBackend(sink ioSink) (*pollBackend, error) {
	if pollfdSize != int(unsafe.Sizeof(pollFd{})) {
		return nil, errors.New("poll: unexpected struct pollfd size")
	}
	p := &pollBackend{sink: sink}
	if !p.grow(32) {
		return nil, errors.New("poll: out of memory")
	}
	return p, nil
}

func (p *pollBackend) name() string { return "poll" }

func (p *pollBackend) epollFd() int { return -1 }

func (p *pollBackend) grow(n int) bool {
	nb := cmem.Grow(p.fds, p.cap*pollfdSize, n*pollfdSize)
	if nb == nil {
		return false
	}
	p.fds, p.cap = nb, n
	return true
}

func (p *pollBackend) slice() []pollFd { return unsafe.Slice((*pollFd)(p.fds), p.n) }

func pollMask(mask int16) int16 {
	var m int16
	if mask&EV_READ != 0 {
		m |= unix.POLLIN
	}
	if mask&EV_WRITE != 0 {
		m |= unix.POLLOUT
	}
	if mask&EV_CLOSED != 0 {
		m |= unix.POLLRDHUP
	}
	return m
}

func (p *pollBackend) add(fd int, mask int16) error { return p.set(fd, mask) }

func (p *pollBackend) mod(fd int, old, mask int16) error { return p.set(fd, mask) }

func (p *pollBackend) del(fd int, old int16) error { return p.set(fd, 0) }

// set makes fd's entry watch mask, adding, updating or removing it.
func (p *pollBackend) set(fd int, mask int16) error {
	if fd < 0 {
		return fmt.Errorf("poll: bad fd %d", fd)
	}
	m := pollMask(mask)
	if fd >= len(p.idx) {
		if m == 0 {
			return nil
		}
		n := 2 * len(p.idx)
		if n <= fd {
			n = fd + 1
		}
		idx := make([]int32, n)
		copy(idx, p.idx)
		p.idx = idx
	}
	i := int(p.idx[fd]) - 1
	switch {
	case m == 0 && i < 0:
		return nil
	case m == 0:
		// Move the last entry into the hole.
		s := p.slice()
		last := s[p.n-1]
		s[i] = last
		p.idx[last.Fd] = int32(i + 1)
		p.idx[fd] = 0
		p.n--
	case i >= 0:
		p.slice()[i].Events = m
	default:
		if p.n == p.cap && !p.grow(2*p.cap) {
			return errors.New("poll: out of memory")
		}
		p.n++
		p.slice()[p.n-1] = pollFd{Fd: int32(fd), Events: m}
		p.idx[fd] = int32(p.n)
	}
	return nil
}

func (p *pollBackend) wait(timeoutUsec int64) error {
	th := waitThread(p.sink)
	fds, n := p.fds, p.n
	if th != nil { // other threads may change fds while poll runs unlocked
		fds = p.snap.copyOf(fds, n)
		if fds == nil {
			return errors.New("poll: out of memory")
		}
	}
	r := cPoll(fds, n, usecToMsec(timeoutUsec, math.MaxInt32), th)
	if r < 0 {
		if unix.Errno(-r) == unix.EINTR {
			return nil
		}
		return fmt.Errorf("poll: %w", unix.Errno(-r))
	}
	if r == 0 {
		return nil
	}
	for _, pf := range unsafe.Slice((*pollFd)(fds), n) {
		what := pf.Revents
		if what == 0 {
			continue
		}
		if what&(unix.POLLHUP|unix.POLLERR|unix.POLLNVAL) != 0 {
			what |= unix.POLLIN | unix.POLLOUT
		}
		var res int16
		if what&unix.POLLIN != 0 {
			res |= EV_READ
		}
		if what&unix.POLLOUT != 0 {
			res |= EV_WRITE
		}
		if what&unix.POLLRDHUP != 0 {
			res |= EV_CLOSED
		}
		if res != 0 {
			p.sink.ioReady(int(pf.Fd), res)
		}
	}
	return nil
}

func (p *pollBackend) close() {
	if p.fds != nil {
		cmem.Free(p.fds, p.cap*pollfdSize)
		p.fds, p.n, p.cap = nil, 0, 0
	}
	p.snap.free()
	p.idx = nil
}
