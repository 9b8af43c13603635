package reactor

import (
	_ "unsafe" // for go:linkname
)

// nanotime is the Go runtime's monotonic clock. On Linux it is
// clock_gettime(CLOCK_MONOTONIC) read through the vDSO (no system call, no
// cgo crossing), i.e. exactly the clock the C layer uses for preload
// deadlines; TestClockAgreesWithC checks the agreement.
//
//go:linkname nanotime runtime.nanotime
func nanotime() int64

// NowMonotonic returns the current CLOCK_MONOTONIC time, the clock of
// ev_timeout.
func NowMonotonic() Timeval {
	ns := nanotime()
	return Timeval{Sec: ns / 1e9, Usec: (ns % 1e9) / 1e3}
}
