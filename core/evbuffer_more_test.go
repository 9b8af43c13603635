package core

import (
	"bytes"
	"fmt"
	"math"
	"math/rand"
	"os"
	"slices"
	"sync"
	"testing"
	"unsafe"

	"goevent/core/internal/cbtest"
	"goevent/internal/cmem"
)

// refArena is C memory that reference segments point into (never freed).
var refArena = func() []byte {
	const n = 1 << 20
	p := cmem.Alloc(n)
	d := bytesAt(p, n)
	for i := range d {
		d[i] = byte(i*13 + i>>8)
	}
	return d
}()

// moreRunner extends opRunner with the rest of the API. Reference segments
// count their releases so that "exactly once" is checked.
type moreRunner struct {
	*opRunner
	released map[int]int // reference id -> releases
	nrefs    int
	vec      [2]Iovec
}

func newMoreRunner(t testing.TB) *moreRunner {
	return &moreRunner{opRunner: newRunner(t), released: map[int]int{}}
}

// checkRefs verifies that every shared block's count equals the segments
// pointing at it, and that no segment points at a released one.
func (r *moreRunner) checkRefs() {
	counts := map[*segExt]int32{}
	for _, b := range r.bufs {
		for s := b.head; s != nil; s = s.next {
			if s.flags&segMulticast != 0 && s.ext == nil {
				r.t.Fatalf("referenced segment without a shared block")
			}
			if s.ext != nil {
				counts[s.ext]++
				if s.flags&segImmutable == 0 || s.flags&segOwned != 0 {
					r.t.Fatalf("ext segment flags 0x%x", s.flags)
				}
			} else if s.flags&segOwned == 0 {
				r.t.Fatalf("plain segment not owned")
			}
		}
	}
	for e, n := range counts {
		if e.file == nil && e.refs.Load() != n {
			r.t.Fatalf("shared block: refs %d, segments %d", e.refs.Load(), n)
		}
	}
	for id, n := range r.released {
		if n > 1 {
			r.t.Fatalf("reference %d released %d times", id, n)
		}
	}
}

func (r *moreRunner) addRef(b *Buffer, size int) []byte {
	if size > len(refArena)/2 {
		size = len(refArena) / 2
	}
	off := (r.nrefs * 977) % (len(refArena) - size)
	d := refArena[off : off+size]
	var p unsafe.Pointer
	if size > 0 {
		p = unsafe.Pointer(&d[0])
	}
	id := r.nrefs
	r.nrefs++
	if b.AddReference(p, size, nil, nil) != 0 {
		r.t.Fatalf("add_reference %d failed", size)
	}
	if size > 0 {
		b.tail.ext.onFree = func() { r.released[id]++ }
	} else {
		r.released[id] = 1
	}
	return d
}

func modelEOL(m []byte, start, style int) (int, int) {
	if start >= len(m) {
		return -1, 0
	}
	switch style {
	case EolAny:
		i := bytes.IndexAny(m[start:], "\r\n")
		if i < 0 {
			return -1, 0
		}
		p := start + i
		k := 0
		for p+k < len(m) && (m[p+k] == '\r' || m[p+k] == '\n') {
			k++
		}
		return p, k
	case EolCRLFStrict:
		i := bytes.Index(m[start:], []byte("\r\n"))
		if i < 0 {
			return -1, 0
		}
		return start + i, 2
	case EolCRLF, EolLF:
		i := bytes.IndexByte(m[start:], '\n')
		if i < 0 {
			return -1, 0
		}
		p := start + i
		if style == EolCRLF && p > start && m[p-1] == '\r' {
			return p - 1, 2
		}
		return p, 1
	case EolNUL:
		i := bytes.IndexByte(m[start:], 0)
		if i < 0 {
			return -1, 0
		}
		return start + i, 1
	}
	return -1, 0
}

// eolPattern is data with line ends in it.
func eolPattern(n int, seed byte) []byte {
	d := make([]byte, n)
	for i := range d {
		switch x := (i*7 + int(seed)) % 11; x {
		case 0:
			d[i] = '\r'
		case 3, 9:
			d[i] = '\n'
		case 5:
			d[i] = 0
		default:
			d[i] = 'a' + byte(x)
		}
	}
	return d
}

func (r *moreRunner) step(op, which byte, size int) {
	op %= 20
	defer func() {
		if which&4 != 0 { // leave the windows published into the next op
			r.bufs[0].publish()
			r.bufs[1].publish()
		}
	}()
	if which&8 != 0 && (op <= 2 || op == 6 || op == 12 || op == 18) && r.tryFast(op, which, size) {
		return
	}
	if op < 7 {
		r.opRunner.step(op, which, size)
		r.checkRefs()
		return
	}
	t := r.t
	i := which & 1
	o := i ^ 1
	b, m := r.bufs[i], r.models[i]
	if len(m) > 512<<10 && (op == 7 || op == 10 || op == 12 || op == 18) {
		op = 9
	}
	switch op {
	case 7: // prepend
		r.seq++
		d := eolPattern(size%5000, r.seq)
		if len(d) > 0 && b.Prepend(unsafe.Pointer(&d[0]), len(d)) != 0 {
			t.Fatal("prepend failed")
		}
		m = append(append([]byte{}, d...), m...)
	case 8: // prepend_buffer(this, other)
		if b.PrependBuffer(r.bufs[o]) != 0 {
			t.Fatal("prepend_buffer failed")
		}
		m = append(append([]byte{}, r.models[o]...), m...)
		r.models[o] = nil
	case 9: // remove_buffer(this -> other)
		got := b.RemoveBuffer(r.bufs[o], size)
		want := min(size, len(m))
		if got != want {
			t.Fatalf("remove_buffer %d: %d, want %d", size, got, want)
		}
		r.models[o] = append(r.models[o], m[:want]...)
		m = m[want:]
	case 10: // add_reference
		m = append(m, r.addRef(b, size%9000)...)
	case 11: // add_buffer_reference(this <- other)
		if r.bufs[o].Len()+b.Len() > 2<<20 {
			break
		}
		nested := false // the source holds bytes it got by reference
		for s := r.bufs[o].head; s != nil; s = s.next {
			nested = nested || s.flags&segMulticast != 0
		}
		if got := b.AddBufferReference(r.bufs[o]); got != 0 {
			if !nested || got != -1 || len(r.models[o]) == 0 {
				t.Fatalf("add_buffer_reference: %d (source holds references: %v)", got, nested)
			}
			break // refused: nothing changed (checked below)
		}
		if nested && len(r.models[o]) > 0 {
			t.Fatal("add_buffer_reference of a buffer holding references accepted")
		}
		m = append(m, r.models[o]...)
	case 12: // reserve 1..4 vectors, then commit half the size in order, or
		// into the last vector alone, or nothing
		nv := 1 + int(which>>1&3)
		var vec, again [4]Iovec
		n := b.Reserve(size, vec[:nv])
		if size == 0 && nv > 1 {
			if n != 0 {
				t.Fatalf("reserve 0/%d: %d", nv, n)
			}
			break
		}
		if n < 1 || n > nv {
			t.Fatalf("reserve %d/%d: %d", size, nv, n)
		}
		total := 0
		for k := 0; k < n; k++ {
			total += int(vec[k].Len)
			if k > 0 && vec[k].Len == 0 {
				t.Fatalf("reserve %d/%d: empty vector %d", size, nv, k)
			}
		}
		if total < size || (nv > 1 && total-int(vec[n-1].Len) >= size) {
			t.Fatalf("reserve %d/%d: %d vectors hold %d", size, nv, n, total)
		}
		checkRoom(t, b, vec[:n])
		// (vectors past the n returned are scratch: a first look at the
		// extents may have filled them before the reservation changed)
		if b.Reserve(size, again[:nv]) != n || !slices.Equal(again[:n], vec[:n]) {
			t.Fatalf("reserve %d/%d again: other extents", size, nv)
		}
		r.seq++
		switch {
		case which&8 == 0: // half, spread over the vectors in order
			want := size / 2
			d := eolPattern(want, r.seq)
			left := want
			for k := 0; k < n; k++ {
				c := min(left, int(vec[k].Len))
				copy(bytesAt(vec[k].Base, c), d[want-left:want-left+c])
				vec[k].Len = uintptr(c)
				left -= c
			}
			if res, why := b.Commit(vec[:n]); res != 0 {
				t.Fatalf("commit: %s", why)
			}
			if res, _ := b.Commit(vec[:n]); res != -1 && want > 0 {
				t.Fatal("second commit accepted")
			}
			m = append(m, d...)
		case size%3 != 0: // into the last extent only
			d := eolPattern(min(size%97, int(vec[n-1].Len)), r.seq)
			v := Iovec{vec[n-1].Base, uintptr(len(d))}
			copy(bytesAt(v.Base, len(d)), d)
			if res, why := b.Commit([]Iovec{v}); res != 0 {
				t.Fatalf("commit into the last of %d: %s", n, why)
			}
			m = append(m, d...)
		}
	case 13: // search
		if len(m) == 0 {
			if b.Search([]byte("x"), 0, -1) != -1 {
				t.Fatal("search in empty")
			}
			break
		}
		x := size % len(m)
		k := 1 + int(which>>1)%7
		if x+k > len(m) {
			k = len(m) - x
		}
		what := append([]byte{}, m[x:x+k]...)
		start := (size / 7) % (x + 1)
		end := -1
		if which&2 != 0 {
			end = x + k + size%3
		}
		got := b.Search(what, start, end)
		want := bytes.Index(m[start:], what) + start
		if end >= 0 && want+len(what) > end {
			want = -1
		}
		if got != want {
			t.Fatalf("search %q from %d end %d: %d, want %d", what, start, end, got, want)
		}
	case 14: // search_eol
		start := 0
		if len(m) > 0 {
			start = size % len(m)
		}
		style := size % 5
		gp, gk := b.SearchEOL(start, style)
		wp, wk := modelEOL(m, start, style)
		if gp != wp || gk != wk {
			t.Fatalf("search_eol style %d from %d: %d/%d, want %d/%d", style, start, gp, gk, wp, wk)
		}
	case 15: // peek
		var vec [4]Iovec
		start := -1
		if which&2 != 0 && len(m) > 0 {
			start = size % len(m)
		}
		n := b.Peek(-1, start, vec[:])
		var got []byte
		for k := 0; k < min(n, 4); k++ {
			got = append(got, bytesAt(vec[k].Base, int(vec[k].Len))...)
		}
		from := max(start, 0)
		if !bytes.Equal(got, m[from:from+len(got)]) {
			t.Fatal("peek bytes differ")
		}
		if n < 4 && from+len(got) != len(m) {
			t.Fatalf("peek %d vectors cover %d of %d", n, len(got), len(m)-from)
		}
		if cnt := b.Peek(-1, start, nil); cnt < n {
			t.Fatalf("peek count %d < %d", cnt, n)
		}
	case 16: // copyout_from
		start := 0
		if len(m) > 0 {
			start = size % len(m)
		}
		buf := make([]byte, size%3000+1)
		got := b.CopyoutFrom(start, unsafe.Pointer(&buf[0]), len(buf)-1)
		want := min(len(buf)-1, len(m)-start)
		if got != want || !bytes.Equal(buf[:got], m[start:start+want]) {
			t.Fatalf("copyout_from %d: %d want %d", start, got, want)
		}
	case 17: // expand, or add a string (evbuffer_add_printf)
		if which&2 != 0 {
			r.seq++
			d := eolPattern(size%3000, r.seq)
			var p unsafe.Pointer
			if len(d) > 0 {
				p = unsafe.Pointer(&d[0])
			}
			if b.AddStr(p, len(d)) != 0 {
				t.Fatal("add string failed")
			}
			m = append(m, d...)
			if len(d) > 0 {
				tl := b.tail
				if tl.n < len(d) || !bytes.Equal(bytesAt(unsafe.Add(tl.data(), tl.n-len(d)), len(d)), d) ||
					*(*byte)(tl.spacePtr()) != 0 || tl.space() < 1 {
					t.Fatal("add string: not in one piece with a NUL after it")
				}
			}
			break
		}
		if b.Expand(size) != 0 {
			t.Fatal("expand failed")
		}
		var v [1]Iovec
		if b.Reserve(size, v[:]) != 1 {
			t.Fatalf("expand %d: no reservation", size)
		}
		checkRoom(t, b, v[:])
		if int(v[0].Len) < size {
			t.Fatalf("expand %d: room %d", size, v[0].Len)
		}
		b.Commit(v[:0])
	case 18: // add with line ends, then readln (search_eol + remove + drain)
		r.seq++
		d := eolPattern(size%300, r.seq)
		b.AddBytes(d)
		m = append(m, d...)
		style := size % 5
		p, k := b.SearchEOL(0, style)
		wp, wk := modelEOL(m, 0, style)
		if p != wp || k != wk {
			t.Fatalf("readln eol %d/%d want %d/%d", p, k, wp, wk)
		}
		if p >= 0 {
			line := make([]byte, p+1)
			if b.Remove(unsafe.Pointer(&line[0]), p) != p || !bytes.Equal(line[:p], m[:p]) {
				t.Fatal("readln line differs")
			}
			b.Drain(k)
			m = m[p+k:]
		}
	case 19: // pullup of a part, then contiguous space
		if len(m) > 0 {
			n := 1 + size%len(m)
			p := b.Pullup(n)
			if p == nil || !bytes.Equal(bytesAt(p, n), m[:n]) {
				t.Fatal("pullup differs")
			}
			if b.ContiguousSpace() < n {
				t.Fatal("contiguous space after pullup")
			}
		}
	}
	r.models[i] = m
	check(t, b, r.models[i])
	check(t, r.bufs[o], r.models[o])
	r.checkRefs()
}

// checkRoom checks that reserved vectors are free room of b: inside blocks
// of the chain's tail or the empty extents, after the data, not overlapping.
func checkRoom(t testing.TB, b *Buffer, vec []Iovec) {
	t.Helper()
	for k, v := range vec {
		ok := false
		if tl := b.tail; tl != nil && v.Base == tl.spacePtr() && int(v.Len) <= tl.space() {
			ok = true
		}
		for e := b.empty; e != nil && !ok; e = e.next {
			ok = v.Base == e.base && int(v.Len) <= e.cap
		}
		if !ok {
			t.Fatalf("reserved vector %d is not free room at the end", k)
		}
		for j := 0; j < k; j++ {
			if v.Base == vec[j].Base {
				t.Fatalf("reserved vectors %d and %d overlap", j, k)
			}
		}
	}
}

// tryFast does an add, drain, add_buffer, reserve+commit or readln the way
// the C layer's fast path does, when the published windows allow it.
func (r *moreRunner) tryFast(op, which byte, size int) bool {
	i := which & 1
	b, m := r.bufs[i], r.models[i]
	b.publish()
	switch {
	case op == 6: // add_buffer(this <- other) by copy
		o := r.bufs[i^1]
		o.publish()
		if !b.cFastAddBuffer(o) {
			return false
		}
		m = append(m, r.models[i^1]...)
		r.models[i^1] = nil
		check(r.t, o, nil)
	case op == 12: // reserve + commit, either half in C
		var vec [2]Iovec
		sz := size % 600
		nv := 1 + int(which>>1&1)
		if which&4 != 0 {
			if !b.cFastReserve(sz, vec[:nv]) {
				return false
			}
		} else if b.Reserve(sz, vec[:nv]) != 1 {
			return false
		}
		r.seq++
		d := eolPattern(min(sz/2+1, int(vec[0].Len)), r.seq)
		copy(bytesAt(vec[0].Base, len(d)), d)
		vec[0].Len = uintptr(len(d))
		b.publish()
		inRoom := b.h.addAvail > 0 && vec[0].Base == b.h.addPtr
		done := which&2 != 0 && b.cFastCommit(vec[:1])
		if !done && which&2 != 0 && inRoom {
			r.t.Fatalf("fast commit of %d into the published room refused", len(d))
		}
		if !done {
			if res, why := b.Commit(vec[:1]); res != 0 {
				r.t.Fatalf("commit of a reservation: %s", why)
			}
		}
		if b.cFastCommit(vec[:1]) || func() bool { res, _ := b.Commit(vec[:1]); return res == 0 && len(d) > 0 }() {
			r.t.Fatal("second commit accepted")
		}
		m = append(m, d...)
	case op == 18: // add with line ends, then readln in C
		r.seq++
		d := eolPattern(size%300, r.seq)
		b.AddBytes(d)
		m = append(m, d...)
		r.models[i] = m
		b.publish()
		style := size % 5
		line, found, ok := b.cFastReadln(style)
		if !ok {
			return false
		}
		wp, wk := modelEOL(m, 0, style)
		if found != (wp >= 0) || found && !bytes.Equal(line, m[:wp]) {
			r.t.Fatalf("fast readln style %d: %q found %v, want %d/%d", style, line, found, wp, wk)
		}
		if found {
			m = m[wp+wk:]
		}
	case op < 2:
		r.seq++
		d := pattern(size%700, r.seq)
		if len(d) == 0 || !b.cFastAdd(unsafe.Pointer(&d[0]), len(d)) {
			return false
		}
		m = append(m, d...)
	default:
		if !b.cFastDrain(size % 700) {
			return false
		}
		m = m[min(size%700, len(m)):]
	}
	r.models[i] = m
	if b.Len() != len(m) {
		r.t.Fatalf("fast path length %d, model %d", b.Len(), len(m))
	}
	if r.nrefs%3 == 0 { // sometimes check now, sometimes let the next op fold
		check(r.t, b, m)
	}
	return true
}

func (r *moreRunner) finish() {
	r.free()
	for id := 0; id < r.nrefs; id++ {
		if r.released[id] != 1 {
			r.t.Fatalf("reference %d released %d times after free", id, r.released[id])
		}
	}
}

func TestEvbufferMoreRandomAgainstModel(t *testing.T) {
	ops := 3000
	if testing.Short() {
		ops = 400
	}
	for _, seed := range []int64{1, 7, 99, 2024} {
		rng := rand.New(rand.NewSource(seed))
		r := newMoreRunner(t)
		for i := 0; i < ops; i++ {
			r.step(byte(rng.Intn(20)), byte(rng.Intn(16)), opSize(rng))
		}
		r.finish()
	}
}

// FuzzEvbufferMore is FuzzEvbufferOps over the whole operation set: each 3
// input bytes are one op (op%20, the buffer and variant bits in the next
// byte's top, a 16-bit size).
func FuzzEvbufferMore(f *testing.F) {
	f.Add([]byte{7, 0, 10, 10, 0, 20, 8, 1, 0, 9, 0, 5, 11, 1, 0, 13, 2, 3})
	f.Add([]byte{12, 2, 100, 12, 0, 0x20, 14, 0, 3, 18, 0, 40, 15, 2, 1, 16, 0, 9})
	f.Add([]byte{10, 0, 100, 11, 1, 0, 2, 0, 50, 9, 1, 30, 19, 0, 7, 17, 0, 200})
	f.Fuzz(func(t *testing.T, prog []byte) {
		if len(prog) > 3*400 {
			prog = prog[:3*400]
		}
		r := newMoreRunner(t)
		for i := 0; i+3 <= len(prog); i += 3 {
			r.step(prog[i], prog[i+1], int(prog[i+1]>>4)<<8|int(prog[i+2]))
		}
		r.finish()
	})
}

func TestEvbufferReferenceCleanupOnce(t *testing.T) {
	a, b := mustNew(t), mustNew(t)
	r := &moreRunner{opRunner: &opRunner{t: t, bufs: [2]*Buffer{a, b}}, released: map[int]int{}}
	d := r.addRef(a, 100)
	a.AddBytes([]byte("tail"))
	if b.AddBufferReference(a) != 0 {
		t.Fatal("add_buffer_reference")
	}
	a.Drain(100)
	if r.released[0] != 0 {
		t.Fatal("released while b holds it")
	}
	c := mustNew(t)
	if b.RemoveBuffer(c, 50) != 50 {
		t.Fatal("remove_buffer")
	}
	// The partial segment was copied into c (as libevent does), so draining
	// b releases the last reference.
	if r.released[0] != 0 {
		t.Fatal("released while b holds it")
	}
	b.Drain(b.Len())
	if r.released[0] != 1 {
		t.Fatalf("released %d times", r.released[0])
	}
	check(t, c, d[:50])
	// A whole reference segment moves by reference.
	a.Drain(a.Len())
	d2 := r.addRef(a, 64)
	if a.RemoveBuffer(c, 64) != 64 || r.released[1] != 0 {
		t.Fatal("moved reference")
	}
	check(t, c, append(append([]byte{}, d[:50]...), d2...))
	c.Drain(100)
	if r.released[1] != 0 {
		t.Fatal("released early")
	}
	c.Drain(14)
	if r.released[1] != 1 {
		t.Fatalf("released %d times", r.released[1])
	}
	c.Free()
	a.Free()
	b.Free()
	if r.released[0] != 1 || r.released[1] != 1 {
		t.Fatalf("released %d/%d times after free", r.released[0], r.released[1])
	}
}

func TestEvbufferFileSegment(t *testing.T) {
	f, err := os.CreateTemp("", "evbuf")
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(f.Name())
	data := pattern(10000, 3)
	f.Write(data)
	for _, flags := range []int{0, FsDisableMmap, FsDisableSendfile, FsDisableMmap | FsDisableSendfile} {
		fs := NewFileSeg(int(f.Fd()), 100, 5000, flags)
		if fs == nil {
			t.Fatalf("flags %d: NewFileSeg", flags)
		}
		b := mustNew(t)
		if b.AddFileSegment(fs, 10, 100) != 0 || b.AddFileSegment(fs, 4000, -1) != 0 {
			t.Fatal("add")
		}
		if b.AddFileSegment(fs, 4000, 1001) != -1 || b.AddFileSegment(fs, 5001, -1) != -1 {
			t.Fatal("out of range accepted")
		}
		want := append(append([]byte{}, data[110:210]...), data[4100:5100]...)
		check(t, b, want)
		fs.unref()
		if fs.refs.Load() != 2 {
			t.Fatalf("refs %d", fs.refs.Load())
		}
		b.Drain(100)
		if fs.refs.Load() != 1 {
			t.Fatalf("refs %d", fs.refs.Load())
		}
		b.Free()
		if fs.h != nil && fs.gen != 0 {
			t.Fatal("segment not released")
		}
	}
	if NewFileSeg(int(f.Fd()), 9000, 2000, 0) != nil {
		t.Fatal("past end of file accepted")
	}
}

// TestEvbufferNearSsizeMax uses references (never read) to bring a buffer
// near EV_SSIZE_MAX: whatever would pass it is refused, never wrapped.
func TestEvbufferNearSsizeMax(t *testing.T) {
	a, b := mustNew(t), mustNew(t)
	defer a.Free()
	defer b.Free()
	p := unsafe.Pointer(&refArena[0])
	const big = 1 << 62
	if a.AddReference(p, big, nil, nil) != 0 || a.AddReference(p, big-1, nil, nil) != 0 {
		t.Fatal("references refused")
	}
	if a.Len() != maxLen {
		t.Fatalf("len %d", a.Len())
	}
	var one [1]byte
	tests := []struct {
		name string
		got  int
	}{
		{"add", a.Add(unsafe.Pointer(&one[0]), 1)},
		{"prepend", a.Prepend(unsafe.Pointer(&one[0]), 1)},
		{"reference", a.AddReference(p, 1, nil, nil)},
		{"expand", a.Expand(1)},
		{"reserve", a.Reserve(1, make([]Iovec, 1))},
		{"add_buffer", func() int { b.AddBytes(one[:]); return a.AddBuffer(b) }()},
		{"prepend_buffer", a.PrependBuffer(b)},
		{"add_buffer_reference", a.AddBufferReference(b)},
		{"add negative", a.Add(unsafe.Pointer(&one[0]), -1)},
	}
	for _, tc := range tests {
		if tc.got != -1 {
			t.Errorf("%s near EV_SSIZE_MAX: %d, want -1", tc.name, tc.got)
		}
	}
	if a.Len() != maxLen || b.Len() != 1 {
		t.Fatalf("lengths changed: %d %d", a.Len(), b.Len())
	}
	if a.RemoveBuffer(b, 5) != 5 || b.Len() != 6 {
		t.Fatalf("remove_buffer: b len %d", b.Len())
	}
	if a.Drain(big) != 0 || a.Len() != maxLen-big-5 {
		t.Fatalf("drain: len %d", a.Len())
	}
	if clampSize(math.MaxUint64) != -1 || a.Add(p, clampSize(1<<63)) != -1 {
		t.Fatal("SIZE_MAX accepted")
	}
}

// TestEvbufferGiBStream moves several GiB through a buffer in 1-MiB and
// 1-byte steps.
func TestEvbufferGiBStream(t *testing.T) {
	if testing.Short() {
		t.Skip("large")
	}
	b := mustNew(t)
	defer b.Free()
	const mib = 1 << 20
	chunk := pattern(mib, 9)
	out := make([]byte, mib)
	total := 0
	for i := 0; i < 4096; i++ { // 4 GiB
		if b.AddBytes(chunk) != 0 {
			t.Fatal("add")
		}
		if i%2 == 1 {
			if b.Remove(unsafe.Pointer(&out[0]), mib) != mib || !bytes.Equal(out, chunk) {
				t.Fatal("remove")
			}
			b.Drain(mib)
		}
		total += mib
	}
	if b.Len() != 0 || total != 4<<30 {
		t.Fatalf("len %d", b.Len())
	}
	for i := 0; i < 1<<20; i++ {
		one := chunk[i%mib : i%mib+1]
		b.AddBytes(one)
		if i%3 == 2 {
			b.Drain(2)
		}
	}
	check(t, b, nil)
}

// TestEvbufferConcurrent runs buffers on several goroutines at once (the
// segment pool, cmem and the handle table are shared), and one buffer from
// two goroutines under a lock, the way evbuffer_enable_locking serialises
// C threads (the fast-path windows included).
func TestEvbufferConcurrent(t *testing.T) {
	ops := 3000
	if testing.Short() {
		ops = 300
	}
	done := make(chan error, 5)
	for g := 0; g < 4; g++ {
		go func(seed int64) {
			defer func() {
				if e := recover(); e != nil {
					done <- fmt.Errorf("panic: %v", e)
					return
				}
				done <- nil
			}()
			rng := rand.New(rand.NewSource(seed))
			r := newMoreRunner(&panicTB{t})
			for i := 0; i < ops; i++ {
				r.step(byte(rng.Intn(20)), byte(rng.Intn(16)), rng.Intn(3000))
			}
			r.finish()
		}(int64(g + 1))
	}
	go func() {
		var mu sync.Mutex
		b := NewBuffer()
		var wg sync.WaitGroup
		rec := []byte("0123456789")
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20000; i++ {
				mu.Lock()
				if !b.cFastAdd(unsafe.Pointer(&rec[0]), 10) {
					b.fold()
					b.Add(unsafe.Pointer(&rec[0]), 10)
					b.publish()
				}
				mu.Unlock()
			}
		}()
		got := 0
		out := make([]byte, 10)
		bad := 0
		for got < 20000*10 {
			mu.Lock()
			if b.Len() >= 10 {
				b.fold()
				if b.Remove(unsafe.Pointer(&out[0]), 10) != 10 || !bytes.Equal(out, rec) {
					bad++
				}
				b.publish()
				got += 10
			}
			mu.Unlock()
		}
		wg.Wait()
		b.Free()
		if bad != 0 {
			done <- fmt.Errorf("%d torn records", bad)
			return
		}
		done <- nil
	}()
	for i := 0; i < 5; i++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

// panicTB turns Fatalf into a panic, for runners on other goroutines.
type panicTB struct{ testing.TB }

func (p *panicTB) Fatalf(f string, a ...any) { panic(fmt.Sprintf(f, a...)) }
func (p *panicTB) Fatal(a ...any)            { panic(fmt.Sprint(a...)) }
func (p *panicTB) Helper()                   {}

func TestEvbufferLayoutAgainstC(t *testing.T) {
	var h cBuf
	var p cPtr
	var v Iovec
	tests := []struct {
		name string
		fact int
		got  uintptr
	}{
		{"evbuffer.lock", 100, unsafe.Offsetof(h.lock)},
		{"evbuffer.own_lock", 101, unsafe.Offsetof(h.ownLock)},
		{"evbuffer.fast", 102, unsafe.Offsetof(h.fast)},
		{"evbuffer.add_ptr", 103, unsafe.Offsetof(h.addPtr)},
		{"evbuffer.drain_avail", 104, unsafe.Offsetof(h.drainAvail)},
		{"evbuffer.blk_cap", 105, unsafe.Offsetof(h.blkCap)},
		{"sizeof evbuffer_ptr", 106, unsafe.Sizeof(p)},
		{"evbuffer_ptr.internal_.chain", 107, unsafe.Offsetof(p.chain)},
		{"sizeof evbuffer_iovec", 108, unsafe.Sizeof(v)},
		{"evbuffer_iovec.iov_len", 109, unsafe.Offsetof(v.Len)},
		{"evbuffer.resv", 110, unsafe.Offsetof(h.resv)},
		{"GEV_BUF_COPY_MAX = copyMax", 111, uintptr(copyMax)},
	}
	for _, tc := range tests {
		if want := cbtest.Layout(tc.fact); int(tc.got) != want {
			t.Errorf("%s: Go %d, C %d", tc.name, tc.got, want)
		}
	}
}

// TestEvbufferIndexIn checks the vector search of big segments against
// bytes.Index: small alphabets (many candidates), needles from 2 bytes to
// more than a vector, matches at every distance from the block's end.
func TestEvbufferIndexIn(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	block := cmem.Alloc(3 * cSearchMin)
	defer cmem.Free(block, 3*cSearchMin)
	for iter := 0; iter < 3000; iter++ {
		n := cSearchMin + rng.Intn(2*cSearchMin)
		d := bytesAt(block, n)
		alpha := 2 + rng.Intn(4)
		for i := range d {
			d[i] = 'a' + byte(rng.Intn(alpha))
		}
		m := 2 + rng.Intn(70)
		what := make([]byte, m)
		switch iter % 3 {
		case 0: // from the text, often near its end
			at := n - m - rng.Intn(100)
			if iter%2 == 0 {
				at = rng.Intn(n - m)
			}
			copy(what, d[at:])
		case 1: // absent: a byte outside the alphabet
			for i := range what {
				what[i] = 'a' + byte(rng.Intn(alpha))
			}
			what[rng.Intn(m)] = 'z'
		default:
			for i := range what {
				what[i] = 'a' + byte(rng.Intn(alpha))
			}
		}
		if got, want := indexIn(d, what), bytes.Index(d, what); got != want {
			t.Fatalf("iter %d: indexIn(%d bytes, %q) = %d, want %d", iter, n, what, got, want)
		}
	}
}
