package core

import (
	"os"
	"runtime"
	"runtime/pprof"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"goevent/internal/cmem"
	"goevent/reactor"
)

// Memory an idle connection holds (issue 11): n socket bufferevents with
// EV_READ enabled, each of which read one byte and answered one (the shape of
// bench row idle_conn_rss_10k), then idle. Counted per connection: the Go
// heap (live bytes after a collection) and the core's C memory (cmem blocks
// in use); GOEVENT_MEMPROFILE=file writes a heap profile of the live objects.
func TestIdleConnectionMemory(t *testing.T) {
	const n = 2000
	var lim unix.Rlimit
	if unix.Getrlimit(unix.RLIMIT_NOFILE, &lim) != nil || lim.Max < 2*n+100 {
		t.Skip("RLIMIT_NOFILE too low")
	}
	if lim.Cur < 2*n+100 {
		lim.Cur = lim.Max
		unix.Setrlimit(unix.RLIMIT_NOFILE, &lim)
	}
	prof := os.Getenv("GOEVENT_MEMPROFILE")
	if prof != "" {
		runtime.MemProfileRate = 1
	}
	b := newBase(t, reactor.MethodEpoll)
	peers, fds := make([]int, n), make([]int, n)
	bvs := make([]*Bufferevent, n)
	for i := range peers { // the socket pairs first: not the connections' memory
		fds[i], peers[i] = socketpair(t)
	}
	spin(b, 1)
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	c0 := cmem.ReadStats().InUse
	for i := range bvs {
		bvs[i] = NewSocketBufferevent(b, fds[i], BevOptCloseOnFree)
		if bvs[i] == nil || bvs[i].Enable(reactor.EV_READ) != 0 {
			t.Fatal("bufferevent setup failed")
		}
		unix.Write(peers[i], []byte("i"))
	}
	if !runUntil(t, b, 10e9, func() bool {
		for _, bv := range bvs {
			if bv.in.Len() == 0 {
				return false
			}
		}
		return true
	}) {
		t.Fatal("not every connection got its byte")
	}
	for _, bv := range bvs {
		bv.in.Drain(1)
		bv.Write(unsafe.Pointer(&[]byte("y")[0]), 1)
	}
	if !runUntil(t, b, 10e9, func() bool {
		for _, bv := range bvs {
			if bv.out.Len() != 0 {
				return false
			}
		}
		return true
	}) {
		t.Fatal("not every answer went out")
	}
	flushSegCache() // blocks cached for the next reads are not the connections'
	runtime.GC()
	runtime.ReadMemStats(&m1)
	c1 := cmem.ReadStats().InUse
	goPer := float64(int64(m1.HeapAlloc)-int64(m0.HeapAlloc)) / n
	objs := (int64(m1.HeapObjects) - int64(m0.HeapObjects)) / n
	cPer := float64(c1-c0) / n
	t.Logf("per idle connection: Go heap %.0f B (%d objects; a socketBufferevent is %d B), cmem %.0f B",
		goPer, objs, unsafe.Sizeof(socketBufferevent{}), cPer)
	// The base's fd table is C memory (24-byte slots, two fds per connection
	// here, grown with them), and so is the epoll result array (12 bytes and
	// an 8-byte pair an event, as large as the most events one wait
	// returned: all of them at once here): the base's, not the connections'.
	cb := (*reactor.CBase)(b.C())
	baseArrays := float64(cmem.SizeOf(int(cb.Nfds)*24)+cmem.SizeOf(int(cb.EpMax)*12)+cmem.SizeOf(int(cb.EpMax)*8)) / n
	t.Logf("of which the fd table (%d slots) and epoll arrays (%d events) %.0f B", cb.Nfds, cb.EpMax, baseArrays)
	// The design's figures (docs/PERFORMANCE.md): one Go object of 224 B (the
	// rest is the table slot), one C block of 576 B (its class), no
	// buffer blocks.
	if sz := unsafe.Sizeof(socketBufferevent{}); sz > 224 {
		t.Errorf("a socketBufferevent is %d bytes, more than 224", sz)
	}
	if objs > 1 || goPer > 350 {
		t.Errorf("Go heap per idle connection: %.0f B in %d objects (at most 350 B in one)", goPer, objs)
	}
	if cPer-baseArrays > 576 {
		t.Errorf("C memory per idle connection: %.0f B, %.0f B without the base's arrays (at most 576)", cPer, cPer-baseArrays)
	}
	if prof != "" {
		f, err := os.Create(prof)
		if err == nil {
			pprof.Lookup("heap").WriteTo(f, 0)
			f.Close()
		}
	}
	for i, bv := range bvs {
		if bv.in.head != nil || bv.out.head != nil {
			t.Fatalf("connection %d: an empty buffer holds a segment", i)
		}
		bv.Free()
		unix.Close(peers[i])
	}
	spin(b, 2)
	runtime.KeepAlive(bvs)
}
