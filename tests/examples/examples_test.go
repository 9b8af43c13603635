// Package examples builds each program of examples/ against goevent
// (build/lib) and against Debian's libevent (when libevent-dev is
// installed), runs it, and drives it with a scripted client on 127.0.0.1.
// Every wait is bounded. Skipped with -short (make test's race pass).
package examples

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var root, _ = filepath.Abs(filepath.Join("..", ".."))

const wait = 10 * time.Second

type impl struct {
	name   string
	pcPath string // PKG_CONFIG_PATH ("" = the system's only)
	ldPath string // LD_LIBRARY_PATH for running
}

func impls(t *testing.T) []impl {
	lib := filepath.Join(root, "build", "lib")
	if _, err := os.Stat(filepath.Join(lib, "libgoevent_core-2.1.so.7")); err != nil {
		t.Skip("build/lib has no goevent libraries: run make first")
	}
	if _, err := exec.LookPath("cc"); err != nil {
		t.Skip("no C compiler")
	}
	out := []impl{{"ours", filepath.Join(lib, "pkgconfig"), lib}}
	c := exec.Command("pkg-config", "--exists", "libevent", "libevent_pthreads")
	c.Env = append(os.Environ(), "PKG_CONFIG_PATH=")
	if c.Run() == nil {
		out = append(out, impl{"real", "", ""})
	} else {
		t.Log("Debian's libevent-dev is not installed: examples run against goevent only")
	}
	return out
}

// build compiles examples/name.c for im.
func build(t *testing.T, im impl, name string, pkgs ...string) string {
	t.Helper()
	pc := exec.Command("pkg-config", append([]string{"--cflags", "--libs"}, pkgs...)...)
	pc.Env = append(os.Environ(), "PKG_CONFIG_PATH="+im.pcPath)
	flags, err := pc.Output()
	if err != nil {
		t.Fatalf("pkg-config %v: %v", pkgs, err)
	}
	bin := filepath.Join(t.TempDir(), name)
	args := append([]string{"-Wall", "-Wextra", "-Werror", "-o", bin, filepath.Join(root, "examples", name+".c")},
		strings.Fields(string(flags))...)
	args = append(args, "-lpthread")
	if b, err := exec.Command("cc", args...).CombinedOutput(); err != nil {
		t.Fatalf("cc %s: %v\n%s", name, err, b)
	}
	return bin
}

// proc is a running example; its stdout lines arrive on lines.
type proc struct {
	t     *testing.T
	cmd   *exec.Cmd
	lines chan string
	seen  []string
	done  chan error
}

func start(t *testing.T, im impl, bin string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "LD_LIBRARY_PATH="+im.ldPath)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{t: t, cmd: cmd, lines: make(chan string, 1000), done: make(chan error, 1)}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
		close(p.lines)
		p.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		if stderr.Len() > 0 {
			t.Logf("%s stderr:\n%s", filepath.Base(bin), stderr.String())
		}
	})
	return p
}

// expect waits for a stdout line matching re and returns its submatches.
func (p *proc) expect(re string) []string {
	p.t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.After(wait)
	for {
		select {
		case l, ok := <-p.lines:
			if !ok {
				p.t.Fatalf("exited before printing /%s/; printed %q", re, p.seen)
			}
			p.seen = append(p.seen, l)
			if m := rx.FindStringSubmatch(l); m != nil {
				return m
			}
		case <-deadline:
			p.t.Fatalf("no line /%s/ within %v; printed %q", re, wait, p.seen)
		}
	}
}

// checkLibrary: the process mapped the library it was built for.
func (p *proc) checkLibrary(im impl) {
	p.t.Helper()
	maps, err := os.ReadFile(fmt.Sprintf("/proc/%d/maps", p.cmd.Process.Pid))
	if err != nil {
		p.t.Fatal(err)
	}
	if ours := bytes.Contains(maps, []byte("libgoevent_core-2.1.so.7")); ours != (im.name == "ours") {
		p.t.Fatalf("%s build: goevent's core mapped = %v", im.name, ours)
	}
}

// stop sends sig and waits for a clean exit after a last line matching re.
func (p *proc) stop(sig syscall.Signal, re string) {
	p.t.Helper()
	p.cmd.Process.Signal(sig)
	p.expect(re)
	for range p.lines {
	}
	select {
	case err := <-p.done:
		if err != nil {
			p.t.Fatalf("exit: %v", err)
		}
	case <-time.After(wait):
		p.t.Fatal("did not exit")
	}
}

func listening(p *proc) string {
	return "127.0.0.1:" + p.expect(`^listening on 127\.0\.0\.1:(\d+)`)[1]
}

func dial(t *testing.T, addr string) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, wait)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(wait))
	t.Cleanup(func() { c.Close() })
	return c, bufio.NewReader(c)
}

func readLine(t *testing.T, r *bufio.Reader) string {
	t.Helper()
	l, err := r.ReadString('\n')
	if err != nil {
		t.Fatalf("read: %v (got %q)", err, l)
	}
	return strings.TrimRight(l, "\r\n")
}

// roundTrip writes data while reading the same number of bytes back.
func roundTrip(t *testing.T, c net.Conn, data []byte) []byte {
	t.Helper()
	var wg sync.WaitGroup
	var werr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, werr = c.Write(data)
	}()
	got := make([]byte, len(data))
	_, err := io.ReadFull(c, got)
	wg.Wait()
	if err != nil || werr != nil {
		t.Fatalf("round trip of %d bytes: read %v, write %v", len(data), err, werr)
	}
	return got
}

func TestExamples(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	for _, im := range impls(t) {
		t.Run(im.name, func(t *testing.T) {
			t.Run("hello-world", func(t *testing.T) {
				p := start(t, im, build(t, im, "hello-world", "libevent"), "0")
				addr := listening(p)
				p.checkLibrary(im)
				_, r := dial(t, addr)
				if l := readLine(t, r); l != "Hello, World!" {
					t.Fatalf("greeting %q", l)
				}
				p.stop(syscall.SIGINT, `^done$`)
			})
			t.Run("echo-server", func(t *testing.T) { echoServer(t, im) })
			t.Run("tcp-proxy", func(t *testing.T) { tcpProxy(t, im) })
			t.Run("chat-server", func(t *testing.T) { chatServer(t, im) })
			t.Run("timer-signal", func(t *testing.T) { timerSignal(t, im) })
			t.Run("mt-server", func(t *testing.T) { mtServer(t, im) })
		})
	}
}

func echoServer(t *testing.T, im impl) {
	p := start(t, im, build(t, im, "echo-server", "libevent"))
	addr := listening(p)
	p.checkLibrary(im)
	blob := make([]byte, 200<<10)
	rand.Read(blob)
	for i := 0; i < 3; i++ {
		c, _ := dial(t, addr)
		msg := append([]byte(fmt.Sprintf("hello %d\n", i)), blob...)
		if got := roundTrip(t, c, msg); !bytes.Equal(got, msg) {
			t.Fatalf("connection %d: echo differs", i)
		}
	}
	p.stop(syscall.SIGTERM, `^done$`)
}

// 8 MiB each way through the proxy to the echo server; the client first
// writes 2 MiB without reading, so the proxy has to hold back.
func tcpProxy(t *testing.T, im impl) {
	echo := start(t, im, build(t, im, "echo-server", "libevent"))
	target := listening(echo)
	p := start(t, im, build(t, im, "tcp-proxy", "libevent"), "0", target)
	addr := listening(p)
	p.checkLibrary(im)
	c, _ := dial(t, addr)
	c.SetDeadline(time.Now().Add(3 * wait))
	data := make([]byte, 8<<20)
	rand.Read(data)
	var wg sync.WaitGroup
	var werr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, werr = c.Write(data)
	}()
	time.Sleep(200 * time.Millisecond) // the writer fills every buffer on the way
	got := make([]byte, len(data))
	_, err := io.ReadFull(c, got)
	wg.Wait()
	if err != nil || werr != nil {
		t.Fatalf("proxy: read %v, write %v", err, werr)
	}
	if !bytes.Equal(got, data) {
		t.Fatal("proxy: data differs")
	}
	// The client closes: the proxy closes the server side too, then the
	// next client still works.
	c.Close()
	c2, _ := dial(t, addr)
	if got := roundTrip(t, c2, []byte("again\n")); string(got) != "again\n" {
		t.Fatalf("second client got %q", got)
	}
	p.stop(syscall.SIGINT, `^done$`)
	echo.stop(syscall.SIGINT, `^done$`)
}

func chatServer(t *testing.T, im impl) {
	p := start(t, im, build(t, im, "chat-server", "libevent"))
	addr := listening(p)
	p.checkLibrary(im)
	var cs []net.Conn
	var rs []*bufio.Reader
	for i := 1; i <= 3; i++ {
		c, r := dial(t, addr)
		if l := readLine(t, r); l != fmt.Sprintf("* welcome, you are %d", i) {
			t.Fatalf("client %d greeted %q", i, l)
		}
		for j := range rs {
			if l := readLine(t, rs[j]); l != fmt.Sprintf("* %d joined", i) {
				t.Fatalf("client %d told %q", j+1, l)
			}
		}
		cs, rs = append(cs, c), append(rs, r)
	}
	// A line in two pieces, CRLF-ended: one message, to the others only.
	cs[0].Write([]byte("hello, "))
	time.Sleep(50 * time.Millisecond)
	cs[0].Write([]byte("everyone\r\n"))
	for _, j := range []int{1, 2} {
		if l := readLine(t, rs[j]); l != "1: hello, everyone" {
			t.Fatalf("client %d got %q", j+1, l)
		}
	}
	cs[2].Write([]byte("a\nb\n"))
	for _, j := range []int{0, 1} {
		if a, b := readLine(t, rs[j]), readLine(t, rs[j]); a != "3: a" || b != "3: b" {
			t.Fatalf("client %d got %q %q", j+1, a, b)
		}
	}
	cs[1].Close()
	for _, j := range []int{0, 2} {
		if l := readLine(t, rs[j]); l != "* 2 left" {
			t.Fatalf("client %d got %q", j+1, l)
		}
	}
	p.stop(syscall.SIGINT, `^done$`)
}

func timerSignal(t *testing.T, im impl) {
	p := start(t, im, build(t, im, "timer-signal", "libevent"))
	p.expect(`^running`)
	p.checkLibrary(im)
	p.expect(`^tick 3$`)
	p.cmd.Process.Signal(syscall.SIGUSR1)
	m := p.expect(`^SIGUSR1: (\d+) ticks so far$`)
	if n, _ := strconv.Atoi(m[1]); n < 3 {
		t.Fatalf("SIGUSR1 after tick 3 reports %s ticks", m[1])
	}
	p.expect(`^tick 6$`)
	half := false
	for _, l := range p.seen {
		half = half || l == "half a second passed"
	}
	if !half {
		t.Fatalf("no one-shot timer before tick 6: %q", p.seen)
	}
	p.stop(syscall.SIGINT, `^bye after \d+ ticks$`)
	for _, l := range p.seen {
		if l == "SIGINT: stopping" {
			return
		}
	}
	t.Fatalf("SIGINT callback did not run: %q", p.seen)
}

func mtServer(t *testing.T, im impl) {
	p := start(t, im, build(t, im, "mt-server", "libevent", "libevent_pthreads"), "0", "3")
	addr := listening(p)
	p.checkLibrary(im)
	workers := map[string]int{}
	var cs []net.Conn
	var rs []*bufio.Reader
	for i := 0; i < 6; i++ {
		c, r := dial(t, addr)
		cs, rs = append(cs, c), append(rs, r)
	}
	// All connections at once, several lines each.
	var wg sync.WaitGroup
	errs := make(chan string, 6)
	var mu sync.Mutex
	for i := range cs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for k := 0; k < 20; k++ {
				fmt.Fprintf(cs[i], "conn %d line %d\n", i, k)
				l, err := rs[i].ReadString('\n')
				w, rest, ok := strings.Cut(strings.TrimSpace(l), ": ")
				if err != nil || !ok || rest != fmt.Sprintf("conn %d line %d", i, k) {
					errs <- fmt.Sprintf("conn %d: %q %v", i, l, err)
					return
				}
				if k == 0 {
					mu.Lock()
					workers[w]++
					mu.Unlock()
				}
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	// Round-robin over 3 workers: 2 connections each.
	if len(workers) != 3 || workers["worker 1"] != 2 || workers["worker 2"] != 2 || workers["worker 3"] != 2 {
		t.Errorf("connections per worker: %v", workers)
	}
	p.stop(syscall.SIGTERM, `^done$`)
}
