package reactor_test

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"goevent/reactor"

	"golang.org/x/sys/unix"
)

// runtimePollerEnv makes the test binary, started again by
// TestRuntimePollerOpensAtLoad, run runtimePollerChild from TestMain instead
// of the tests: only a fresh process, before the testing package arms its
// own timers, still has a runtime without a poller.
const runtimePollerEnv = "GOEVENT_RUNTIME_POLLER_CHILD"

// openFDs is the number of descriptors open in this process.
func openFDs() int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(ents) - 1 // the directory's own descriptor
}

var heapSink [][]byte

// runtimePollerChild counts descriptors, then grows the heap by 64 MiB and
// drops it, 10 times or until the count changes: the runtime's background
// scavenger then returns memory to the system and arms a timer of its own to
// pace itself (one or two rounds are enough). With mode "start" it calls
// StartRuntimePoller first, as the C layer does when it loads the core.
// Prints "before after".
func runtimePollerChild(mode string) int {
	for _, e := range mustReadLinks() {
		if e == "anon_inode:[eventpoll]" {
			fmt.Println("poller already running")
			return 0
		}
	}
	if mode == "start" {
		reactor.StartRuntimePoller()
	}
	before := openFDs()
	for round := 0; round < 10 && openFDs() == before; round++ {
		heap := make([][]byte, 0, 64)
		for i := 0; i < 64; i++ {
			heap = append(heap, make([]byte, 1<<20))
		}
		heapSink = heap
		heapSink = nil
		runtime.GC()
		// A sleep in the kernel (time.Sleep would arm a timer itself), for
		// the scavenger to run.
		_ = unix.Nanosleep(&unix.Timespec{Nsec: 20e6}, nil)
	}
	fmt.Println(before, openFDs())
	return 0
}

func mustReadLinks() []string {
	ents, _ := os.ReadDir("/proc/self/fd")
	var links []string
	for _, e := range ents {
		if l, err := os.Readlink("/proc/self/fd/" + e.Name()); err == nil {
			links = append(links, l)
		}
	}
	return links
}

// The Go runtime's poller (an epoll instance and an eventfd) opens the first
// time the runtime arms a timer, which its scavenger does after some GC
// cycles: in a C server, two descriptors appeared tens of thousands of
// connections into its life (issue 9, item 14). StartRuntimePoller, called
// by the C layer at load, opens them there; the "lazy" row shows that the
// heap churn does make the runtime open them otherwise, so that the "start"
// row can tell the difference.
func TestRuntimePollerOpensAtLoad(t *testing.T) {
	for _, tc := range []struct {
		mode    string
		sameFDs bool // the count after the heap churn equals the one before
	}{
		{"start", true},
		{"lazy", false},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), runtimePollerEnv+"="+tc.mode)
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("child: %v\n%s", err, out)
			}
			var before, after int
			if _, err := fmt.Sscan(string(out), &before, &after); err != nil {
				t.Fatalf("child printed %q", strings.TrimSpace(string(out)))
			}
			if got := before == after; got != tc.sameFDs {
				t.Errorf("descriptors before the heap churn %d, after %d; want equal: %v", before, after, tc.sameFDs)
			}
		})
	}
}
