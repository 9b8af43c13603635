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

func TestClassesFitAndWasteLittle(t *testing.T) {
	for n := 1; n <= maxPooled; n += 1 + n/64 {
		c := classOf(n)
		size := int(classSize[c])
		if size < n {
			t.Fatalf("class of %d holds only %d", n, size)
		}
		if c > 0 && int(classSize[c-1]) >= n {
			t.Fatalf("class of %d is %d, a smaller class %d holds it", n, size, classSize[c-1])
		}
		if n > 256 && n <= smallMax && size-n > size/8 {
			t.Fatalf("%d bytes waste %d in class %d", n, size-n, size)
		}
		if SizeOf(n) != size {
			t.Fatalf("SizeOf(%d) = %d, want %d", n, SizeOf(n), size)
		}
	}
	for _, c := range []struct{ n, want int }{{136, 144}, {536, 576}, {4096, 4096}, {512, 512}, {16 << 10, 16 << 10}, {1 << 20, 1 << 20}} {
		if got := SizeOf(c.n); got != c.want {
			t.Errorf("SizeOf(%d) = %d, want %d", c.n, got, c.want)
		}
	}
}

// Freed spans go back to the kernel on Trim, are reused afterwards (by any
// class), and read as zero.
func TestTrimGivesBackEmptySpansAndReusesThem(t *testing.T) {
	Trim()
	const n, count = 4096, 1000 // 4 MiB: a whole arena of 64 KiB spans
	st0 := ReadStats()
	ptrs := make([]unsafe.Pointer, count)
	for i := range ptrs {
		ptrs[i] = AllocRaw(n)
		Bytes(ptrs[i], n)[0] = 0xAA
	}
	if got := ReadStats().InUse - st0.InUse; got != n*count {
		t.Fatalf("in use grew by %d, want %d", got, n*count)
	}
	for _, p := range ptrs {
		Free(p, n)
	}
	st := ReadStats()
	if st.Releasable < n*count-2*smallPages*pageSize {
		t.Fatalf("releasable %d after freeing %d bytes", st.Releasable, n*count)
	}
	if got := Trim(); got < n*count-2*smallPages*pageSize {
		t.Fatalf("Trim gave back %d bytes", got)
	}
	if Releasable() != 0 {
		t.Fatalf("releasable %d after Trim", Releasable())
	}
	mapped := ReadStats().Mapped
	// Another class takes the spans: no new arena, zeroed memory.
	const m = 2048
	ptrs2 := make([]unsafe.Pointer, 2*count)
	for i := range ptrs2 {
		ptrs2[i] = Alloc(m)
		for j, v := range Bytes(ptrs2[i], m) {
			if v != 0 {
				t.Fatalf("block %d byte %d = %d after Trim", i, j, v)
			}
		}
	}
	if got := ReadStats().Mapped; got > mapped+arenaBytes {
		t.Fatalf("mapped %d -> %d: spans given back were not reused", mapped, got)
	}
	for _, p := range ptrs2 {
		Free(p, m)
	}
	Trim()
}

func TestSpansStayWhileABlockLives(t *testing.T) {
	Trim()
	const n = 144
	keep := Alloc(n)
	var ptrs []unsafe.Pointer
	for i := 0; i < 2000; i++ {
		ptrs = append(ptrs, Alloc(n))
	}
	for _, p := range ptrs {
		Free(p, n)
	}
	Trim()
	Bytes(keep, n)[n-1] = 7 // its span must still be resident and ours
	if Bytes(keep, n)[n-1] != 7 {
		t.Fatal("live block lost")
	}
	Free(keep, n)
}

func BenchmarkAllocFree4096Raw(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Free(AllocRaw(4096), 4096)
	}
}
