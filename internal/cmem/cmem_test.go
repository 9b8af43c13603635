package cmem

import (
	"testing"
	"unsafe"
)

func TestAllocIsZeroedAndReused(t *testing.T) {
	for _, n := range []int{1, 16, 17, 128, 392, 4096, 1 << 20, 1<<20 + 1, 3 << 20} {
		p := Alloc(n)
		if p == nil {
			t.Fatalf("Alloc(%d) = nil", n)
		}
		b := Bytes(p, n)
		for i, v := range b {
			if v != 0 {
				t.Fatalf("Alloc(%d): byte %d = %d, want 0", n, i, v)
			}
		}
		for i := range b {
			b[i] = 0xAA
		}
		Free(p, n)
		q := Alloc(n)
		for i, v := range Bytes(q, n) {
			if v != 0 {
				t.Fatalf("reused Alloc(%d): byte %d = %d, want 0", n, i, v)
			}
		}
		Free(q, n)
	}
}

func TestGrowKeepsTheOldBytes(t *testing.T) {
	for _, c := range []struct{ old, n int }{{0, 16}, {16, 32}, {100, 4096}, {4096, 1 << 20}, {1 << 20, 2 << 20}} {
		var p unsafe.Pointer
		if c.old > 0 {
			p = Alloc(c.old)
			for i := range Bytes(p, c.old) {
				Bytes(p, c.old)[i] = byte(i%251 + 1)
			}
		}
		q := Grow(p, c.old, c.n)
		if q == nil {
			t.Fatalf("Grow(%d -> %d) = nil", c.old, c.n)
		}
		for i, v := range Bytes(q, c.n) {
			want := byte(0)
			if i < c.old {
				want = byte(i%251 + 1)
			}
			if v != want {
				t.Fatalf("Grow(%d -> %d): byte %d = %d, want %d", c.old, c.n, i, v, want)
			}
		}
		Free(q, c.n)
	}
	p := Alloc(64)
	if Grow(p, 64, 64) != nil || Grow(p, 64, 32) != nil {
		t.Fatal("Grow to no larger size must refuse")
	}
	Free(p, 64)
}

func TestBlocksDoNotOverlap(t *testing.T) {
	const n, count = 100, 50000 // crosses several arenas
	seen := make(map[uintptr]bool, count)
	ptrs := make([]unsafe.Pointer, 0, count)
	for i := 0; i < count; i++ {
		p := Alloc(n)
		a := uintptr(p)
		if seen[a] {
			t.Fatalf("block %#x handed out twice", a)
		}
		seen[a] = true
		Bytes(p, n)[n-1] = byte(i)
		ptrs = append(ptrs, p)
	}
	for i, p := range ptrs {
		if got := Bytes(p, n)[n-1]; got != byte(i) {
			t.Fatalf("block %d was overwritten", i)
		}
		Free(p, n)
	}
}

func TestAllocRejectsNonPositive(t *testing.T) {
	if Alloc(0) != nil || Alloc(-5) != nil {
		t.Fatal("Alloc of a non-positive size must return nil")
	}
}

func BenchmarkAllocFree128(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Free(Alloc(128), 128)
	}
}
