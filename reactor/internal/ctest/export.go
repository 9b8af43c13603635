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

//export ctestBaseFree
func ctestBaseFree(base unsafe.Pointer) {
	if b := reactor.FromC(base); b != nil {
		b.Free()
	}
}
