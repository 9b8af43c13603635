package evhttp

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// System calls of the connections, as libevent makes them.

const (
	afInet       = unix.AF_INET
	afInet6      = unix.AF_INET6
	econnrefused = int(unix.ECONNREFUSED)
)

func shutdownWrite(fd int) { _ = unix.Shutdown(fd, unix.SHUT_WR) }

func closeFd(fd int) { _ = unix.Close(fd) }

// socketError is getsockopt(SO_ERROR): the pending error, or -1 when the
// call fails.
func socketError(fd int) int {
	v, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
	if err != nil {
		return -1
	}
	return v
}

// getpeername writes the peer's address (as much as fits) into dst.
func getpeername(fd int, dst []byte) {
	var ss [128]byte
	n := uint32(len(ss))
	_, _, e := unix.Syscall(unix.SYS_GETPEERNAME, uintptr(fd), uintptr(unsafe.Pointer(&ss[0])), uintptr(unsafe.Pointer(&n)))
	if e != 0 {
		return
	}
	clear(dst)
	copy(dst, ss[:min(int(n), len(ss))])
}
