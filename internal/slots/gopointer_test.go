package slots

// The design card names github.com/mattn/go-pointer for C's opaque references
// to Go values. goevent uses slot tables instead; these benchmarks and the
// test below are the measured reason (docs/ARCHITECTURE.md, "Handles").

import (
	"testing"
	"unsafe"

	pointer "github.com/mattn/go-pointer"
)

type handleObj struct{ n int }

const handleCount = 1000

// BenchmarkHandleLookup: the operation every export does first, from the
// handle C passed back to the Go object (a bufferevent, an evbuffer).
func BenchmarkHandleLookup(b *testing.B) {
	var tab Table[handleObj]
	idx := make([]uint32, handleCount)
	ptrs := make([]unsafe.Pointer, handleCount)
	for i := range idx {
		idx[i], _ = tab.Put(&handleObj{i})
		ptrs[i] = pointer.Save(&handleObj{i})
	}
	b.Cleanup(func() {
		for _, p := range ptrs {
			pointer.Unref(p)
		}
	})
	b.Run("slots", func(b *testing.B) {
		b.ReportAllocs()
		s := 0
		for i := 0; b.Loop(); i++ {
			s += tab.Get(idx[i%handleCount]).n
		}
		_ = s
	})
	b.Run("go-pointer", func(b *testing.B) {
		b.ReportAllocs()
		s := 0
		for i := 0; b.Loop(); i++ {
			s += pointer.Restore(ptrs[i%handleCount]).(*handleObj).n
		}
		_ = s
	})
	// Two loops on two threads, as with one base per thread.
	b.Run("slots-parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			s, i := 0, 0
			for pb.Next() {
				s += tab.Get(idx[i%handleCount]).n
				i++
			}
			_ = s
		})
	})
	b.Run("go-pointer-parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			s, i := 0, 0
			for pb.Next() {
				s += pointer.Restore(ptrs[i%handleCount]).(*handleObj).n
				i++
			}
			_ = s
		})
	})
}

// BenchmarkHandleCreate: a handle made and dropped, as per connection.
func BenchmarkHandleCreate(b *testing.B) {
	var tab Table[handleObj]
	obj := &handleObj{1}
	b.Run("slots", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			i, _ := tab.Put(obj)
			tab.Release(i)
		}
	})
	b.Run("go-pointer", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			pointer.Unref(pointer.Save(obj))
		}
	})
}

// A stale handle: go-pointer's keys are malloc'ed addresses, so a key freed
// by Unref comes back from the next Save and the old handle silently finds
// the new object. A slot index is reused too, which is why goevent stores a
// generation beside it in the C struct and checks it on every lookup
// (core/evbuffer_api.go, core/bufferevent.go); go-pointer gives no place for one.
func TestGoPointerStaleKeyFindsTheNextObject(t *testing.T) {
	reused := 0
	for i := 0; i < 100; i++ {
		old := pointer.Save(&handleObj{1})
		pointer.Unref(old)
		next := pointer.Save(&handleObj{2})
		if next == old {
			reused++
			if got := pointer.Restore(old); got.(*handleObj).n != 2 {
				t.Fatalf("stale key restored %v", got)
			}
		}
		pointer.Unref(next)
	}
	t.Logf("freed keys handed out again: %d of 100", reused)
	if reused == 0 {
		t.Skip("malloc never reused a freed key here; nothing to show")
	}
}
