package core

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// Reading. libevent asks the kernel how much is readable (ioctl FIONREAD) and
// then reads at most 4096 bytes into one or two chains. We skip the ioctl and
// offer the kernel the free space of the tail plus a fresh segment, sized by
// an adaptive hint: it starts at readMin (a page) and doubles, up to readMax,
// each time a read fills everything offered (a bulk transfer), and halves when
// a read uses less than a quarter (back to request/response traffic). The
// fresh segment is the first empty extent when it is big enough; one the
// kernel did not touch stays an empty extent (or the lone empty segment) for
// the next read or add, so nothing is allocated twice (an empty buffer that
// keeps no block, see evbuffer.go, gives it back at once).
const (
	readMin = 4 << 10
	readMax = 64 << 10

	// maxWriteIov bounds the segments gathered by one write (libevent: 128).
	maxWriteIov = 64
)

// fdKind records whether a descriptor is a socket (send with MSG_NOSIGNAL) or
// not (plain write); fdUnknown tries the socket path first.
type fdKind int8

const (
	fdUnknown fdKind = iota
	fdSocket
	fdOther
)

// ReadFrom reads once from fd into the end of the buffer, at most max bytes
// (max <= 0: the adaptive hint). It returns the count (0 at end of file) and
// the errno of a failed read (EAGAIN included), the buffer unchanged then.
func (b *Buffer) ReadFrom(fd int, max int) (int, unix.Errno) { return b.readFrom(fd, max, false) }

// readFrom is ReadFrom; with raw the read is a raw system call, without the
// runtime's entersyscall/exitsyscall (~220 instructions): for a socket
// bufferevent's read after the loop saw it readable, which does not block
// (a program's evbuffer_read may be given a blocking descriptor: not raw).
func (b *Buffer) readFrom(fd int, max int, raw bool) (int, unix.Errno) {
	b.fold()
	if b.freezeEnd {
		return -1, unix.EPERM
	}
	want := int(b.readHint) << 10
	if max > 0 && max < want {
		want = max
	}
	if want > maxLen-b.Len() {
		want = maxLen - b.Len()
		if want <= 0 {
			return -1, unix.ENOBUFS
		}
	}
	var iov [2]unix.Iovec
	niov := 0
	t := b.tail
	sp := 0
	if t != nil {
		if t.n == 0 {
			t.off = 0
			if t.space() < want && t.flags&segOwned != 0 && t.ext == nil {
				// An empty tail too small for this read: give the node a
				// bigger block instead of chaining a second empty segment.
				s := newSeg(want)
				if s == nil {
					return -1, unix.ENOMEM
				}
				t.releaseBlock()
				t.segData = s.segData
				s.segData = segData{}
				putSeg(s)
			}
		}
		sp = t.space()
		if sp > want {
			sp = want
		}
		if sp > 0 {
			iov[0].Base = (*byte)(unsafe.Add(t.base, t.off+t.n))
			iov[0].SetLen(sp)
			niov = 1
		}
	}
	var fresh *seg
	if sp < want {
		fresh = b.takeEmpty(want - sp)
		if fresh == nil {
			fresh = newSeg(want - sp)
		}
		if fresh == nil {
			if niov == 0 {
				return -1, unix.ENOMEM
			}
		} else {
			k := want - sp
			if k > fresh.cap {
				k = fresh.cap
			}
			iov[niov].Base = (*byte)(fresh.base)
			iov[niov].SetLen(k)
			niov++
		}
	}
	offered := sp
	if fresh != nil {
		offered = want
	}
	var r uintptr
	var e unix.Errno
	switch {
	case raw && niov == 1:
		r, _, e = unix.RawSyscall(unix.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(iov[0].Base)), uintptr(iov[0].Len))
	case raw:
		r, _, e = unix.RawSyscall(unix.SYS_READV, uintptr(fd), uintptr(unsafe.Pointer(&iov[0])), uintptr(niov))
	case niov == 1:
		r, _, e = unix.Syscall(unix.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(iov[0].Base)), uintptr(iov[0].Len))
	default:
		r, _, e = unix.Syscall(unix.SYS_READV, uintptr(fd), uintptr(unsafe.Pointer(&iov[0])), uintptr(niov))
	}
	n := int(r)
	if e != 0 {
		n = -1
	}
	if n > 0 {
		inTail := n
		if inTail > sp {
			inTail = sp
		}
		if inTail > 0 {
			t.n += inTail
		}
		if fresh != nil {
			fresh.n = n - inTail
		}
		if n == offered && b.readHint < readMax>>10 {
			b.readHint *= 2
		} else if n < offered/4 && b.readHint > readMin>>10 {
			b.readHint /= 2
		}
	}
	if fresh != nil {
		switch {
		case fresh.n > 0 || t == nil && b.keepsBlock():
			b.link(fresh)
		case t == nil:
			putSeg(fresh) // nothing read into an empty buffer that keeps no block
		case t.n == 0:
			// Keep one empty segment only (the old one got no data either).
			putSeg(fresh)
		default:
			b.pushEmpty(fresh)
		}
	}
	if n > 0 {
		b.h.totalLen += uintptr(n)
		b.changed(n, 0)
		return n, 0
	}
	return n, e
}

// WriteTo writes up to max bytes (max <= 0: all) from the front of the buffer
// to fd with one system call and drains what was written. Sockets are written
// with MSG_NOSIGNAL, so a peer that went away gives EPIPE instead of SIGPIPE;
// kind caches whether fd is a socket (it is updated on ENOTSOCK).
func (b *Buffer) WriteTo(fd int, max int, kind *fdKind) (int, unix.Errno) {
	b.fold()
	if b.freezeStart {
		return -1, unix.EPERM
	}
	if max <= 0 || max > b.Len() {
		max = b.Len()
	}
	if max == 0 {
		return 0, 0
	}
	if n, e, ok := b.sendfileHead(fd, max); ok {
		if e != 0 {
			return -1, e
		}
		if n > 0 {
			b.consume(n)
			b.h.totalLen -= uintptr(n)
			b.changed(0, n)
		}
		return n, 0
	}
	var iov [maxWriteIov]unix.Iovec
	niov := 0
	total := 0
	for s := b.head; s != nil && niov < maxWriteIov && total < max; s = s.next {
		if s.n == 0 {
			continue
		}
		k := s.n
		if k > max-total {
			k = max - total
		}
		iov[niov].Base = (*byte)(s.data())
		iov[niov].SetLen(k)
		niov++
		total += k
	}
	var r uintptr
	var e unix.Errno
again:
	if *kind != fdOther {
		if niov == 1 {
			r, _, e = unix.Syscall6(unix.SYS_SENDTO, uintptr(fd), uintptr(unsafe.Pointer(iov[0].Base)), uintptr(iov[0].Len), unix.MSG_NOSIGNAL, 0, 0)
		} else {
			var msg unix.Msghdr
			msg.Iov = &iov[0]
			msg.SetIovlen(niov)
			r, _, e = unix.Syscall(unix.SYS_SENDMSG, uintptr(fd), uintptr(unsafe.Pointer(&msg)), unix.MSG_NOSIGNAL)
		}
		if e == unix.ENOTSOCK {
			*kind = fdOther
			goto again
		}
		if e == 0 && *kind == fdUnknown {
			*kind = fdSocket
		}
	} else {
		if niov == 1 {
			r, _, e = unix.Syscall(unix.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(iov[0].Base)), uintptr(iov[0].Len))
		} else {
			r, _, e = unix.Syscall(unix.SYS_WRITEV, uintptr(fd), uintptr(unsafe.Pointer(&iov[0])), uintptr(niov))
		}
	}
	if e != 0 {
		return -1, e
	}
	n := int(r)
	if n > 0 {
		b.consume(n)
		b.h.totalLen -= uintptr(n)
		b.changed(0, n)
	}
	return n, 0
}
