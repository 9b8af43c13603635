//go:build race

package reactor

import (
	"runtime"
	"unsafe"
)

// The race detector does not see the C lock of a thread-safe base: these
// tell it where the lock is taken and released (on the struct gev_thread).
func raceAcquire(p unsafe.Pointer) {
	if p != nil {
		runtime.RaceAcquire(p)
	}
}

func raceRelease(p unsafe.Pointer) {
	if p != nil {
		runtime.RaceReleaseMerge(p)
	}
}
