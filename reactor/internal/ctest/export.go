package ctest

import "C"

import (
	"unsafe"

	"goevent/reactor"
)

//export ctestEventDel
func ctestEventDel(ev unsafe.Pointer) C.int {
	return C.int(reactor.EventDel(reactor.EventAt(ev)))
}
