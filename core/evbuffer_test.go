package core

import (
	"bytes"
	"math"
	"math/rand"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"goevent/internal/cmem"
)

// check verifies the chain invariants of b (see evbuffer.go) and that its
// contents equal want (nil: contents not checked).
func check(t testing.TB, b *Buffer, want []byte) {
	t.Helper()
	b.fold() // take back what the C fast path may hold
	if b.h.magic != bufLive {
		t.Fatalf("handle magic 0x%x", b.h.magic)
	}
	if (b.head == nil) != (b.tail == nil) {
		t.Fatalf("head %p tail %p", b.head, b.tail)
	}
	sum := 0
	for s := b.head; s != nil; s = s.next {
		if s.off < 0 || s.n < 0 || s.off+s.n > s.cap {
			t.Fatalf("segment off %d n %d cap %d", s.off, s.n, s.cap)
		}
		if s.base == nil {
			t.Fatalf("segment without block")
		}
		if s.n == 0 && (s != b.tail || s != b.head) {
			t.Fatalf("empty segment in a chain with data")
		}
		if s.next == nil && s != b.tail {
			t.Fatalf("tail pointer does not point at the last segment")
		}
		sum += s.n
	}
	if sum != int(b.h.totalLen) {
		t.Fatalf("segments hold %d bytes, total_len %d", sum, b.h.totalLen)
	}
	for e := b.empty; e != nil; e = e.next {
		if e.n != 0 || e.off != 0 || e.base == nil || e.cap <= 0 || e.flags != segOwned || e.ext != nil {
			t.Fatalf("empty extent off %d n %d cap %d flags 0x%x", e.off, e.n, e.cap, e.flags)
		}
		for s := b.head; s != nil; s = s.next {
			if s == e {
				t.Fatalf("empty extent in the chain")
			}
		}
	}
	if want != nil {
		if sum != len(want) {
			t.Fatalf("length %d, model %d", sum, len(want))
		}
		got := make([]byte, 0, sum)
		for s := b.head; s != nil; s = s.next {
			got = append(got, bytesAt(s.data(), s.n)...)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("contents differ from the model (len %d)", sum)
		}
	}
}

func mustNew(t testing.TB) *Buffer {
	b := NewBuffer()
	if b == nil {
		t.Fatal("NewBuffer failed")
	}
	return b
}

func pattern(n int, seed byte) []byte {
	d := make([]byte, n)
	for i := range d {
		d[i] = byte(i) ^ seed
	}
	return d
}

func TestEvbufferEdges(t *testing.T) {
	b := mustNew(t)
	defer b.Free()
	var x [16]byte
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"pullup empty -1", b.Pullup(-1), unsafe.Pointer(nil)},
		{"pullup empty 0", b.Pullup(0), unsafe.Pointer(nil)},
		{"drain empty", b.Drain(5), 0},
		{"remove empty", b.Remove(unsafe.Pointer(&x[0]), 10), 0},
		{"copyout empty", b.Copyout(unsafe.Pointer(&x[0]), 10), 0},
		{"add 0 nil", b.Add(nil, 0), 0},
		{"add negative", b.Add(unsafe.Pointer(&x[0]), -1), -1},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %v want %v", tc.name, tc.got, tc.want)
		}
	}
	b.AddBytes([]byte("hello"))
	if p := b.Pullup(0); p != nil {
		t.Errorf("pullup 0 on non-empty: %p", p)
	}
	if p := b.Pullup(6); p != nil {
		t.Errorf("pullup past the length: %p", p)
	}
	if p := b.Pullup(-2); p == nil || string(bytesAt(p, 5)) != "hello" {
		t.Errorf("pullup -2 (whole buffer) failed")
	}
	if r := b.AddBuffer(b); r != 0 || b.Len() != 5 {
		t.Errorf("add_buffer to itself: %d len %d", r, b.Len())
	}
	e := mustNew(t)
	if r := b.AddBuffer(e); r != 0 || b.Len() != 5 {
		t.Errorf("add_buffer of empty: %d", r)
	}
	e.Free()
	if r := b.Drain(100); r != 0 || b.Len() != 0 {
		t.Errorf("drain past the end: %d len %d", r, b.Len())
	}
	check(t, b, []byte{})
}

func TestEvbufferOverflowRefused(t *testing.T) {
	b := mustNew(t)
	defer b.Free()
	b.AddBytes([]byte("abc"))
	var x byte
	// The data pointer is never touched: the length check comes first.
	for _, n := range []uint64{math.MaxUint64, math.MaxUint64 - 1, math.MaxInt64, math.MaxInt64 - 2} {
		if r := EvbufferAdd(b.Handle(), unsafe.Pointer(&x), n); r != -1 {
			t.Errorf("add %d: got %d, want -1", n, r)
		}
	}
	check(t, b, []byte("abc"))
	if r := b.Add(unsafe.Pointer(&x), maxLen); r != -1 {
		t.Errorf("add maxLen to non-empty: %d", r)
	}
	// A Len() near the limit (faked in the handle) makes add_buffer refuse too.
	d := mustNew(t)
	defer d.Free()
	d.AddBytes([]byte("x"))
	d.h.totalLen = maxLen
	if r := d.AddBuffer(b); r != -1 {
		t.Errorf("add_buffer overflow: %d", r)
	}
	d.h.totalLen = 1
	check(t, b, []byte("abc"))
}

func TestEvbufferHandleChecks(t *testing.T) {
	h := EvbufferNew()
	if h == nil {
		t.Fatal("EvbufferNew")
	}
	data := []byte("0123456789")
	if EvbufferAdd(h, unsafe.Pointer(&data[0]), 10) != 0 || (*cBuf)(h).totalLen != 10 {
		t.Fatal("add through the handle")
	}
	var out [4]byte
	if n := EvbufferRemove(h, unsafe.Pointer(&out[0]), 4); n != 4 || string(out[:]) != "0123" {
		t.Fatalf("remove %d %q", n, out)
	}
	if n := EvbufferCopyout(h, unsafe.Pointer(&out[0]), 4); n != 4 || string(out[:]) != "4567" {
		t.Fatalf("copyout %d %q", n, out)
	}
	if p := EvbufferPullup(h, -1); p == nil || string(bytesAt(p, 6)) != "456789" {
		t.Fatal("pullup")
	}
	if EvbufferDrain(h, math.MaxUint64) != 0 || (*cBuf)(h).totalLen != 0 {
		t.Fatal("drain all")
	}
	EvbufferFree(h, false)
	if (*cBuf)(h).magic != bufDead {
		t.Fatal("handle not marked dead")
	}
	// Use after free and double free are refused (and logged).
	if EvbufferAdd(h, unsafe.Pointer(&data[0]), 1) != -1 || EvbufferDrain(h, 1) != -1 ||
		EvbufferRemove(h, unsafe.Pointer(&out[0]), 1) != -1 || EvbufferCopyout(h, unsafe.Pointer(&out[0]), 1) != -1 ||
		EvbufferPullup(h, -1) != nil || EvbufferAddBuffer(h, h) != -1 {
		t.Fatal("use after free accepted")
	}
	EvbufferFree(h, false)
	if EvbufferAdd(nil, unsafe.Pointer(&data[0]), 1) != -1 {
		t.Fatal("NULL accepted")
	}
	var fake cBuf
	if EvbufferDrain(unsafe.Pointer(&fake), 1) != -1 {
		t.Fatal("bad magic accepted")
	}
	// A live-looking handle whose generation is stale.
	h2 := EvbufferNew()
	defer EvbufferFree(h2, false)
	stale := *(*cBuf)(h2)
	stale.gen++
	if EvbufferDrain(unsafe.Pointer(&stale), 1) != -1 {
		t.Fatal("stale generation accepted")
	}
}

// model applies one random operation to b and to the []byte model m, checks
// the results and the invariants, and returns the new model.
type opRunner struct {
	t       testing.TB
	bufs    [2]*Buffer
	models  [2][]byte
	scratch []byte
	seq     byte
}

func (r *opRunner) step(op, which byte, size int) {
	t := r.t
	b, m := r.bufs[which&1], r.models[which&1]
	op %= 7
	if op <= 1 && len(m) > 512<<10 {
		op = 2 // keep the model small enough to compare after every op
		size *= 8
	}
	switch op {
	case 0, 1: // add (twice as likely)
		r.seq++
		d := pattern(size, r.seq)
		if b.AddBytes(d) != 0 {
			t.Fatalf("add %d failed", size)
		}
		m = append(m, d...)
	case 2: // drain
		if b.Drain(size) != 0 {
			t.Fatal("drain failed")
		}
		m = m[min(size, len(m)):]
	case 3: // remove
		if cap(r.scratch) < size+1 {
			r.scratch = make([]byte, size+1)
		}
		buf := r.scratch[:size+1]
		got := b.Remove(unsafe.Pointer(&buf[0]), size)
		want := min(size, len(m))
		if got != want || !bytes.Equal(buf[:got], m[:want]) {
			t.Fatalf("remove %d: got %d want %d", size, got, want)
		}
		m = m[want:]
	case 4: // copyout
		if cap(r.scratch) < size+1 {
			r.scratch = make([]byte, size+1)
		}
		buf := r.scratch[:size+1]
		got := b.Copyout(unsafe.Pointer(&buf[0]), size)
		want := min(size, len(m))
		if got != want || !bytes.Equal(buf[:got], m[:want]) {
			t.Fatalf("copyout %d: got %d want %d", size, got, want)
		}
	case 5: // pullup
		sz := size
		if which&2 != 0 {
			sz = -1
		}
		p := b.Pullup(sz)
		want := sz
		if sz < 0 {
			want = len(m)
		}
		if want == 0 || want > len(m) {
			if p != nil {
				t.Fatalf("pullup %d of %d: non-nil", sz, len(m))
			}
		} else if p == nil || !bytes.Equal(bytesAt(p, want), m[:want]) {
			t.Fatalf("pullup %d of %d: wrong bytes", sz, len(m))
		}
	case 6: // add_buffer, in either direction
		o := which&1 ^ 1
		if b.AddBuffer(r.bufs[o]) != 0 {
			t.Fatal("add_buffer failed")
		}
		m = append(m, r.models[o]...)
		r.models[o] = r.models[o][:0:0]
		check(t, r.bufs[o], r.models[o])
	}
	r.models[which&1] = m
	check(t, b, m)
}

func newRunner(t testing.TB) *opRunner {
	return &opRunner{t: t, bufs: [2]*Buffer{mustNew(t), mustNew(t)}}
}

func (r *opRunner) free() { r.bufs[0].Free(); r.bufs[1].Free() }

// opSize draws sizes around the interesting boundaries (segment classes,
// keepMax, growCap).
func opSize(rng *rand.Rand) int {
	switch rng.Intn(6) {
	case 0:
		return rng.Intn(8)
	case 1:
		return rng.Intn(600)
	case 2:
		return 4096 + rng.Intn(64) - 32
	case 3:
		return rng.Intn(20000)
	case 4:
		return 16384 + rng.Intn(3)
	default:
		return rng.Intn(70000)
	}
}

func TestEvbufferRandomAgainstModel(t *testing.T) {
	seeds := []int64{1, 2, 3, 42, 1234}
	ops := 4000
	if testing.Short() {
		ops = 500
	}
	for _, seed := range seeds {
		rng := rand.New(rand.NewSource(seed))
		r := newRunner(t)
		for i := 0; i < ops; i++ {
			r.step(byte(rng.Intn(7)), byte(rng.Intn(4)), opSize(rng))
		}
		r.free()
	}
}

// FuzzEvbufferOps drives random operation sequences against the model: each
// 3 input bytes are one op (kind+buffer, then a 16-bit size).
func FuzzEvbufferOps(f *testing.F) {
	f.Add([]byte{0, 10, 0, 2, 5, 0, 5, 0, 0})
	f.Add([]byte{0, 0xff, 0xff, 6, 0xff, 0x10, 1, 0x00, 0x10, 5, 0x10, 0x20, 2, 0x00, 0x01})
	f.Add([]byte{1, 0x00, 0x10, 0, 0x00, 0x10, 0x0e, 0, 0, 5, 0x00, 0x18, 3, 0x00, 0x08, 4, 0x30, 0x00})
	f.Fuzz(func(t *testing.T, prog []byte) {
		if len(prog) > 3*512 {
			prog = prog[:3*512]
		}
		r := newRunner(t)
		defer r.free()
		for i := 0; i+3 <= len(prog); i += 3 {
			op := prog[i]
			r.step(op&7, op>>3, int(prog[i+1])<<8|int(prog[i+2]))
		}
	})
}

// TestEvbufferSegmentReuse checks that a fill/drain cycle keeps one block and
// that add_buffer hands blocks back and forth instead of allocating.
func TestEvbufferSegmentReuse(t *testing.T) {
	b, c := mustNew(t), mustNew(t)
	defer b.Free()
	defer c.Free()
	msg := pattern(64, 1)
	b.AddBytes(msg)
	first := b.head.base
	for i := 0; i < 100; i++ {
		b.AddBytes(msg)
		b.Drain(b.Len())
	}
	if b.head == nil || b.head.base != first || b.head != b.tail {
		t.Fatal("drained buffer did not keep its block")
	}
	c.AddBytes(msg)
	c.Drain(64) // c has an empty tail now
	b.AddBytes(msg)
	c.AddBuffer(b)
	check(t, c, msg)
	check(t, b, []byte{})
	if b.head == nil {
		t.Fatal("source of add_buffer lost its spare block")
	}
}

// A buffer the C fast path does not serve (a bufferevent's: it has a hook)
// holds no block once emptied, whatever emptied it, as libevent frees every
// chain; a plain one keeps one (TestEvbufferSegmentReuse).
func TestEvbufferEmptiedHoldsNothing(t *testing.T) {
	msg := pattern(300, 3)
	fill := func(b *Buffer) {
		b.AddBytes(msg)
		b.Expand(8192) // an empty extent after the data
		b.AddBytes(msg)
	}
	a, p := socketpair(t)
	defer unix.Close(a)
	defer unix.Close(p)
	for _, c := range []struct {
		name string
		op   func(t *testing.T, b, other *Buffer)
	}{
		{"drain", func(t *testing.T, b, _ *Buffer) { b.Drain(b.Len()) }},
		{"remove", func(t *testing.T, b, _ *Buffer) {
			out := make([]byte, 1000)
			b.Remove(unsafe.Pointer(&out[0]), len(out))
		}},
		{"add_buffer source", func(t *testing.T, b, other *Buffer) { other.AddBuffer(b) }},
		{"add_buffer source, destination with an empty tail", func(t *testing.T, b, other *Buffer) {
			other.AddBytes(msg)
			other.Drain(other.Len())
			other.AddBuffer(b)
		}},
		{"prepend_buffer source", func(t *testing.T, b, other *Buffer) {
			other.AddBytes(msg)
			other.PrependBuffer(b)
		}},
		{"remove_buffer all", func(t *testing.T, b, other *Buffer) { b.RemoveBuffer(other, 1<<20) }},
		{"pullup then drain", func(t *testing.T, b, _ *Buffer) {
			b.Pullup(-1)
			b.Drain(b.Len())
		}},
		{"write to fd", func(t *testing.T, b, _ *Buffer) {
			var kind fdKind
			if n, e := b.WriteTo(a, -1, &kind); n != 2*len(msg) {
				t.Fatalf("wrote %d (%v)", n, e)
			}
			peerRead(p)
		}},
		{"read from fd, nothing there", func(t *testing.T, b, _ *Buffer) {
			b.Drain(b.Len())
			if n, e := b.ReadFrom(a, 0); n != -1 || e != unix.EAGAIN {
				t.Fatalf("read %d (%v)", n, e)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, other := mustNew(t), mustNew(t)
			defer b.Free()
			defer other.Free()
			b.hook = new(Bufferevent) // stands in for one: no backend, no watermarks
			fill(b)
			c.op(t, b, other)
			check(t, b, []byte{})
			if b.head != nil || b.empty != nil {
				t.Fatalf("emptied buffer holds a segment (%v) or an empty extent (%v)", b.head != nil, b.empty != nil)
			}
		})
	}
}

func TestEvbufferLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("large")
	}
	b := mustNew(t)
	defer b.Free()
	const mib = 1 << 20
	chunk := pattern(mib, 7)
	total := 256 // MiB
	for i := 0; i < total; i++ {
		chunk[0] = byte(i)
		if b.AddBytes(chunk) != 0 {
			t.Fatalf("add chunk %d", i)
		}
	}
	check(t, b, nil)
	if b.Len() != total*mib {
		t.Fatalf("len %d", b.Len())
	}
	out := make([]byte, mib)
	for i := 0; i < total; i++ {
		if n := b.Remove(unsafe.Pointer(&out[0]), mib); n != mib || out[0] != byte(i) || !bytes.Equal(out[1:], chunk[1:]) {
			t.Fatalf("remove chunk %d: %d", i, n)
		}
	}
	check(t, b, []byte{})

	// One-byte adds: coalesced into few segments.
	const n = 4 << 20
	one := []byte{0}
	for i := 0; i < n; i++ {
		one[0] = byte(i)
		b.AddBytes(one)
	}
	check(t, b, nil)
	segs := 0
	for s := b.head; s != nil; s = s.next {
		segs++
	}
	if max := n/growCap + 16; segs > max {
		t.Fatalf("%d segments for %d one-byte adds (max %d)", segs, n, max)
	}
	p := b.Pullup(-1)
	if p == nil {
		t.Fatal("pullup of 4 MiB")
	}
	all := bytesAt(p, n)
	for i := range all {
		if all[i] != byte(i) {
			t.Fatalf("byte %d = %d", i, all[i])
		}
	}
	check(t, b, nil)
	if b.head != b.tail && b.head.next.n != 0 {
		t.Fatal("pullup(-1) left more than one data segment")
	}
}

func BenchmarkEvbufferAddDrain64(b *testing.B) {
	buf := NewBuffer()
	defer buf.Free()
	msg := pattern(64, 3)
	b.ReportAllocs()
	b.SetBytes(64)
	for i := 0; i < b.N; i++ {
		buf.Add(unsafe.Pointer(&msg[0]), 64)
		buf.Drain(64)
	}
}

func BenchmarkEvbufferAddBuffer(b *testing.B) {
	src, dst := NewBuffer(), NewBuffer()
	defer src.Free()
	defer dst.Free()
	msg := pattern(256, 3)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		src.Add(unsafe.Pointer(&msg[0]), len(msg))
		dst.AddBuffer(src)
		dst.Drain(dst.Len())
	}
}

func BenchmarkEvbufferPullup(b *testing.B) {
	buf := NewBuffer()
	defer buf.Free()
	msg := pattern(3000, 3)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		// 3 x 3000 bytes span segments; pullup joins them.
		buf.Add(unsafe.Pointer(&msg[0]), len(msg))
		buf.Add(unsafe.Pointer(&msg[0]), len(msg))
		buf.Add(unsafe.Pointer(&msg[0]), len(msg))
		if buf.Pullup(-1) == nil {
			b.Fatal("pullup")
		}
		buf.Drain(buf.Len())
	}
}

func TestEvbufferReadWriteFd(t *testing.T) {
	a, p := socketpair(t)
	defer unix.Close(a)
	defer unix.Close(p)
	unix.SetNonblock(p, true)
	b := mustNew(t)
	defer b.Free()

	// Read: EAGAIN on an empty socket leaves the buffer unchanged.
	if n, e := b.ReadFrom(a, 0); n != -1 || e != unix.EAGAIN {
		t.Fatalf("empty read: %d %v", n, e)
	}
	check(t, b, []byte{})
	src := pattern(300000, 5)
	sent := 0
	var model []byte
	for len(model) < len(src) {
		if sent < len(src) {
			k, _ := unix.Write(p, src[sent:min(sent+50000, len(src))])
			if k > 0 {
				sent += k
			}
		}
		n, e := b.ReadFrom(a, 0)
		if n > 0 {
			model = append(model, src[len(model):len(model)+n]...)
		} else if e != unix.EAGAIN {
			t.Fatalf("read: %d %v", n, e)
		}
		check(t, b, model)
	}
	if int(b.readHint)<<10 != readMax {
		t.Errorf("read hint %d KiB after a bulk transfer, want %d", b.readHint, readMax>>10)
	}
	// A bounded read takes no more than asked.
	unix.Write(p, []byte("0123456789"))
	if n, _ := b.ReadFrom(a, 4); n != 4 {
		t.Fatalf("bounded read %d", n)
	}
	model = append(model, "0123"...)
	check(t, b, model)

	// Write: many small segments (more than one writev can take).
	b.Drain(b.Len())
	model = model[:0]
	for i := 0; i < 150; i++ {
		o := mustNew(t)
		d := pattern(100+i, byte(i))
		o.AddBytes(d)
		b.AddBuffer(o)
		o.Free()
		model = append(model, d...)
	}
	check(t, b, model)
	var kind fdKind
	var got []byte
	for b.Len() > 0 {
		n, e := b.WriteTo(a, 0, &kind)
		if n <= 0 {
			t.Fatalf("write: %d %v", n, e)
		}
		check(t, b, model[len(model)-b.Len():])
		got = append(got, peerRead(p)...)
	}
	got = append(got, peerRead(p)...)
	if !bytes.Equal(got, model) || kind != fdSocket {
		t.Fatalf("peer got %d bytes, want %d (kind %d)", len(got), len(model), kind)
	}
	// A closed peer: EPIPE, no signal, buffer unchanged.
	unix.Close(p)
	b.AddBytes([]byte("x"))
	if n, e := b.WriteTo(a, 0, &kind); n != -1 || e != unix.EPIPE || b.Len() != 1 {
		t.Fatalf("write to closed peer: %d %v", n, e)
	}
	p, _ = unix.Dup(a) // keep the deferred close balanced
}

// BenchmarkEvbufferReserveCommit is the reserve/commit cycle of a reader
// (evbuffer_reserve_space with 1 or 2 vectors, a short commit, a drain).
func BenchmarkEvbufferReserveCommit(b *testing.B) {
	for _, nv := range []int{1, 2} {
		b.Run(map[int]string{1: "1vec", 2: "2vec"}[nv], func(b *testing.B) {
			buf := NewBuffer()
			defer buf.Free()
			buf.AddBytes([]byte("x"))
			var vec [2]Iovec
			for i := 0; i < b.N; i++ {
				if buf.Reserve(4096, vec[:nv]) < 1 {
					b.Fatal("reserve failed")
				}
				vec[0].Len = min(vec[0].Len, 100)
				if r, _ := buf.Commit(vec[:1]); r != 0 {
					b.Fatal("commit failed")
				}
				buf.Drain(int(vec[0].Len))
			}
		})
	}
}

// BenchmarkEvbufferSearch16MiB is the bench row evbuffer_search_16MiB: a
// 16-byte needle at the end of 16 MiB of text added in 4 KiB blocks, whose
// first byte occurs once per 198 bytes.
func BenchmarkEvbufferSearch16MiB(b *testing.B) {
	const total = 16 << 20
	prose := "the quick brown fox jumps over the lazy dog while a small bird sings " +
		"Now and then a cloud passes by the hill and the river keeps running " +
		"to the sea as it always has done for a very long time indeed\n"
	needle := []byte("Needle-at-end-16")
	text := make([]byte, total)
	for i := range text {
		text[i] = prose[i%len(prose)]
	}
	copy(text[total-16:], needle)
	buf := NewBuffer()
	defer buf.Free()
	for off := 0; off < total; off += 4096 {
		buf.AddBytes(text[off : off+4096])
	}
	b.SetBytes(total)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if p := buf.Search(needle, 0, -1); p != total-16 {
			b.Fatalf("found at %d", p)
		}
	}
}

// TestEvbufferGrowHint: a buffer emptied after holding more than keepMax
// bytes in a last segment it does not keep starts again with a segment of
// that size (up to growCap); smaller traffic brings it back to minSeg;
// buffers with callbacks (or a bufferevent's hook) never get one.
func TestEvbufferGrowHint(t *testing.T) {
	tests := []struct {
		name      string
		fill      int
		cb        bool
		wantNext  int // capacity of the segment the next small add goes to
		wantAfter int // the same after that small add was drained
	}{
		{"after 20000 bytes", 20000, false, growCap, minSeg},
		{"after 6000 bytes (4 KiB tail kept)", 6000, false, 4096, 4096},
		{"after 3000 bytes (2 KiB tail kept)", 3000, false, 2048, 2048},
		{"after 20000 bytes, with a callback", 20000, true, minSeg, minSeg},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := mustNew(t)
			defer b.Free()
			if tc.cb {
				e := b.AddCb(nil, nil)
				e.flags &^= cbEnabled // registered, never called
			}
			d := pattern(100, 1)
			for k := 0; k < tc.fill; k += len(d) {
				b.AddBytes(d)
			}
			b.Drain(b.Len())
			b.AddBytes(d[:10])
			if b.tail.cap != tc.wantNext {
				t.Fatalf("next segment: %d bytes, want %d", b.tail.cap, tc.wantNext)
			}
			b.Drain(b.Len())
			b.AddBytes(d[:10])
			if b.tail.cap != tc.wantAfter {
				t.Fatalf("after a small emptying: %d bytes, want %d", b.tail.cap, tc.wantAfter)
			}
		})
	}
}

// Compact moves a few bytes out of a big block into one of their size and
// leaves everything else alone (what evhttp's half-read request heads keep).
func TestEvbufferCompact(t *testing.T) {
	a, p := socketpair(t)
	defer unix.Close(a)
	defer unix.Close(p)
	refData := pattern(64, 9)
	read := func(t *testing.T, b *Buffer, d []byte) {
		unix.Write(p, d)
		if n, e := b.ReadFrom(a, 0); n != len(d) {
			t.Fatalf("read %d (%v)", n, e)
		}
	}
	for _, c := range []struct {
		name  string
		fill  func(t *testing.T, b *Buffer) []byte // returns the contents
		moved bool
		cap   int // of the one segment after a move
	}{
		{"8 bytes read into a 4 KiB block", func(t *testing.T, b *Buffer) []byte {
			read(t, b, []byte("X-More: "))
			return []byte("X-More: ")
		}, true, 16},
		{"the rest of a head after the lines were drained", func(t *testing.T, b *Buffer) []byte {
			read(t, b, []byte("GET / HTTP/1.1\r\nHost: x\r\nX-Mo"))
			b.Drain(25)
			return []byte("X-Mo")
		}, true, 16},
		{"300 bytes and an empty extent", func(t *testing.T, b *Buffer) []byte {
			d := pattern(300, 1)
			read(t, b, d)
			b.Expand(8192)
			return d
		}, true, 320},
		{"two segments", func(t *testing.T, b *Buffer) []byte {
			d := pattern(700, 2)
			b.AddBytes(d[:500])
			read(t, b, d[500:])
			return d
		}, true, 1024}, // from minSeg on: a power of two, as other segments
		{"more than compactMax", func(t *testing.T, b *Buffer) []byte {
			d := pattern(compactMax+1, 3)
			read(t, b, d)
			return d
		}, false, 0},
		{"a block that fits", func(t *testing.T, b *Buffer) []byte {
			d := pattern(300, 4)
			b.AddBytes(d)
			return d
		}, false, 0},
		{"a reference", func(t *testing.T, b *Buffer) []byte {
			b.AddReference(unsafe.Pointer(&refData[0]), len(refData), nil, nil)
			return refData
		}, false, 0},
		{"a reservation in progress", func(t *testing.T, b *Buffer) []byte {
			read(t, b, []byte("abc"))
			var vec [1]Iovec
			if b.Reserve(16, vec[:]) != 1 {
				t.Fatal("reserve failed")
			}
			return []byte("abc")
		}, false, 0},
		{"empty", func(t *testing.T, b *Buffer) []byte { return []byte{} }, false, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := mustNew(t)
			defer b.Free()
			b.hook = new(Bufferevent) // a bufferevent's buffer: keeps no block when emptied
			want := c.fill(t, b)
			head, tail := b.head, b.tail
			b.Compact()
			check(t, b, want)
			if !c.moved {
				if b.head != head || b.tail != tail {
					t.Fatal("segments moved")
				}
				return
			}
			if b.head != b.tail || b.empty != nil || b.head.cap != c.cap {
				t.Fatalf("after the move: one segment %v, empty extents %v, cap %d (want %d)",
					b.head == b.tail, b.empty != nil, b.head.cap, c.cap)
			}
			more := pattern(5000, 7) // the rest arrives: reads and adds go on
			read(t, b, more[:3000])
			b.AddBytes(more[3000:])
			check(t, b, append(append([]byte{}, want...), more...))
			b.Drain(b.Len())
			check(t, b, []byte{})
			if b.head != nil {
				t.Fatal("emptied buffer holds a segment")
			}
		})
	}
}

// evbuffer_free of a buffer evbuffer_new made resets it for the C layer's
// pool: freed to every check, one small block kept and published (as one
// the C layer may pool by itself next time); what cannot be pooled is freed.
// flushBufPool frees what the pool holds.
func TestEvbufferPool(t *testing.T) {
	p := (*cBufPool)(cmem.Alloc(int(unsafe.Sizeof(cBufPool{}))))
	SetBufPool(unsafe.Pointer(p), 7)
	defer func() {
		SetBufPool(nil, 0)
		cmem.Free(unsafe.Pointer(p), int(unsafe.Sizeof(cBufPool{})))
	}()
	push := func(h unsafe.Pointer) { p.item[p.n] = (*cBuf)(h); p.n++ }
	msg := pattern(100, 5)
	big := pattern(3*keepMax, 6)
	for _, c := range []struct {
		name   string
		make   func() unsafe.Pointer
		pooled bool
	}{
		{"new, freed at once", func() unsafe.Pointer { return EvbufferNew() }, true},
		{"new, a message added", func() unsafe.Pointer {
			h := EvbufferNew()
			EvbufferAdd(h, unsafe.Pointer(&msg[0]), uint64(len(msg)))
			return h
		}, true},
		{"frozen, flags set", func() unsafe.Pointer {
			h := EvbufferNew()
			EvbufferAdd(h, unsafe.Pointer(&msg[0]), uint64(len(msg)))
			EvbufferFreeze(h, 1, true)
			EvbufferFlags(h, BufFlagDrainsToFd, true)
			return h
		}, true},
		{"more than a small block", func() unsafe.Pointer {
			h := EvbufferNew()
			EvbufferAdd(h, unsafe.Pointer(&big[0]), uint64(len(big)))
			return h
		}, true},
		{"a reference", func() unsafe.Pointer {
			h := EvbufferNew()
			EvbufferAddReference(h, unsafe.Pointer(&msg[0]), uint64(len(msg)), nil, nil)
			return h
		}, true},
		{"made by the core (evhttp's)", func() unsafe.Pointer { return NewBuffer().Handle() }, false},
		{"callbacks' state", func() unsafe.Pointer {
			h := EvbufferNew()
			bufFromC(h, "test").x = new(bufExtra)
			return h
		}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := c.make()
			b := bufFromC(h, "test")
			idx := (*cBuf)(h).idx
			if r := EvbufferFree(h, true); (r == 1) != c.pooled {
				t.Fatalf("EvbufferFree: %d, want pooled %v", r, c.pooled)
			}
			if (*cBuf)(h).magic != bufDead {
				t.Fatal("not marked freed")
			}
			if EvbufferAdd(h, unsafe.Pointer(&msg[0]), 1) != -1 {
				t.Fatal("a freed (pooled) buffer accepted an add")
			}
			if !c.pooled {
				if bufByIdx(idx) == b {
					t.Fatal("freed buffer still in its slot")
				}
				return
			}
			if b.head == nil || b.head != b.tail || b.head.cap > keepMax || (*cBuf)(h).fast == 0 ||
				(*cBuf)(h).poolEpoch != 7 || b.x != nil || b.flags != flagAPI || b.freezeStart || b.Len() != 0 {
				t.Fatalf("reset: block %v fast %d poolEpoch %d flags %#x frozen %v len %d",
					b.head != nil, (*cBuf)(h).fast, (*cBuf)(h).poolEpoch, b.flags, b.freezeStart, b.Len())
			}
			(*cBuf)(h).magic = bufLive // evbuffer_new takes it from the pool
			if bufFromC(h, "test") != b {
				t.Fatal("pooled buffer lost its slot")
			}
			if EvbufferAdd(h, unsafe.Pointer(&msg[0]), uint64(len(msg))) != 0 {
				t.Fatal("add to a reused buffer")
			}
			if (*cBuf)(h).fast == 0 || (*cBuf)(h).poolEpoch != 7 {
				t.Fatal("a reused buffer with one small block is not published as poolable in C")
			}
			check(t, b, msg)
			EvbufferFlags(h, BufFlagDrainsToFd, true)
			EvbufferAdd(h, unsafe.Pointer(&msg[0]), 1)
			if (*cBuf)(h).poolEpoch != 0 {
				t.Fatal("a buffer with flags set is published as poolable in C")
			}
			if EvbufferFree(h, true) != 1 {
				t.Fatal("second free not pooled")
			}
			push(h)
			flushBufPool()
			if p.n != 0 || bufByIdx(idx) == b || (*cBuf)(h).magic != bufDead {
				t.Fatal("flushBufPool did not free the pooled buffer")
			}
		})
	}
}
