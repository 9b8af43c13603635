package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The tests need the built libraries (make all): build/lib of this checkout.
var root, _ = filepath.Abs(filepath.Join("..", ".."))

func buildLib(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(root, "build", "lib")
	if !isLibDir(dir) {
		t.Skip("build/lib has no goevent libraries: run make first")
	}
	t.Setenv("GOEVENT_LIBDIR", dir)
	return dir
}

// cc compiles src (a C program or, with -shared, a library) into dir/name
// against our headers and libraries.
func cc(t *testing.T, dir, name, src string, extra ...string) string {
	t.Helper()
	if _, err := exec.LookPath("cc"); err != nil {
		t.Skip("no C compiler")
	}
	c := filepath.Join(dir, name+".c")
	if err := os.WriteFile(c, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, name)
	args := append([]string{"-o", out, c, "-I" + filepath.Join(root, "include"), "-L" + filepath.Join(root, "build", "lib")}, extra...)
	if b, err := exec.Command("cc", args...).CombinedOutput(); err != nil {
		t.Fatalf("cc %s: %v\n%s", name, err, b)
	}
	return out
}

const progLoop = `#include <event2/event.h>
static void cb(evutil_socket_t fd, short w, void *a) { (void)fd; (void)w; (void)a; }
int main(void) {
	struct event_base *b = event_base_new();
	struct timeval tv = {0, 1000};
	int i;
	for (i = 0; i < 10; i++)
		event_base_once(b, -1, EV_TIMEOUT, cb, NULL, &tv);
	event_base_dispatch(b);
	event_base_free(b);
	return 0;
}
`

const progFork = `#include <unistd.h>
#include <event2/event.h>
int main(void) {
	struct event_base *b = event_base_new();
	event_base_loop(b, EVLOOP_NONBLOCK);
	if (fork() == 0) _exit(0);
	event_base_free(b);
	return 0;
}
`

const progExtra = `#include <event2/event.h>
#include <event2/http.h>
#include <event2/dns.h>
#include <event2/thread.h>
int main(void) {
	struct event_base *b;
	evthread_use_pthreads();
	b = event_base_new();
	evhttp_free(evhttp_new(b));
	evdns_base_free(evdns_base_new(b, 0), 0);
	event_base_free(b);
	return 0;
}
`

// EVUTIL_ISDIGIT_ is exported by Debian's libevent_core but is no public
// function: goevent does not provide it.
const progInternal = `#include <event2/event.h>
int EVUTIL_ISDIGIT_(char c);
int main(void) { event_base_free(event_base_new()); return EVUTIL_ISDIGIT_('1') ? 0 : 1; }
`

const libVia = `#include <event2/event.h>
struct event_base *make_base(void) { return event_base_new(); }
int run_base(struct event_base *b) { return event_base_dispatch(b); }
`

const progVia = `struct event_base;
struct event_base *make_base(void);
int run_base(struct event_base *b);
int main(void) { return run_base(make_base()) < 0; }
`

const progPlain = `#include <stdio.h>
int main(void) { puts("hi"); return 0; }
`

func names(fs []Function) string {
	var n []string
	for _, f := range fs {
		n = append(n, f.Name)
	}
	return strings.Join(n, " ")
}

func TestCheck(t *testing.T) {
	lib := buildLib(t)
	ours, err := provided(lib)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	real := "/lib/x86_64-linux-gnu/libevent_core-2.1.so.7"
	_, realErr := os.Stat(real)
	via := cc(t, dir, "libvia.so", libVia, "-shared", "-fPIC", "-levent")
	_ = via
	type want struct {
		ok       bool
		groups   string // "core:2/2 evdns:1/1"
		funcs    []string
		limit    string // a Limit.Kind+"/"+Severity that must be present
		noLimit  string
		summary  string
		viaLib   string // a function imported by a library, not the file
		needReal bool   // needs Debian's libevent (names outside our lists)
	}
	cases := []struct {
		name string
		file func(t *testing.T) string
		want want
	}{
		{"loop", func(t *testing.T) string { return cc(t, dir, "loop", progLoop, "-levent") },
			want{ok: true, groups: "core:4/4", funcs: []string{"event_base_dispatch", "event_base_once"}, noLimit: "fork"}},
		{"fork after loop", func(t *testing.T) string { return cc(t, dir, "fork", progFork, "-levent") },
			want{ok: true, groups: "core:3/3", limit: "fork/warning"}},
		{"pthreads evdns evhttp", func(t *testing.T) string {
			return cc(t, dir, "extra", progExtra, "-levent", "-levent_pthreads")
		}, want{ok: true, groups: "core:2/2 pthreads:1/1 evdns:2/2 evhttp:2/2", funcs: []string{"evthread_use_pthreads", "evhttp_new", "evdns_base_new"}}},
		{"internal name", func(t *testing.T) string { return cc(t, dir, "internal", progInternal, real) },
			want{ok: false, groups: "core:3/2", summary: "1 of 3", needReal: true}},
		{"through a library", func(t *testing.T) string {
			return cc(t, dir, "via", progVia, "-L"+dir, "-l:libvia.so", "-Wl,-rpath,$ORIGIN")
		}, want{ok: true, groups: "core:2/2", viaLib: "event_base_new"}},
		{"no libevent", func(t *testing.T) string { return cc(t, dir, "plain", progPlain) },
			want{ok: false, summary: "does not use libevent"}},
		{"tmux", func(t *testing.T) string { return "/usr/bin/tmux" },
			want{ok: true, funcs: []string{"event_loop", "bufferevent_new"}, limit: "fork/warning", needReal: true}},
	}
	l := newLoader()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.want.needReal && realErr != nil {
				t.Skip("needs Debian's libevent")
			}
			file := c.file(t)
			if _, err := os.Stat(file); err != nil {
				t.Skip(file + " is not installed")
			}
			r := check(file, l, ours)
			if r.Error != "" {
				t.Fatal(r.Error)
			}
			if r.OK != c.want.ok {
				t.Errorf("ok = %v, want %v (%s)", r.OK, c.want.ok, r.Summary)
			}
			if c.want.groups != "" {
				var g []string
				for _, x := range r.Groups {
					g = append(g, x.Name+":"+strconv.Itoa(x.Used)+"/"+strconv.Itoa(x.Provided))
				}
				if got := strings.Join(g, " "); got != c.want.groups {
					t.Errorf("groups %q, want %q (functions: %s)", got, c.want.groups, names(r.Functions))
				}
			}
			for _, f := range c.want.funcs {
				if !strings.Contains(" "+names(r.Functions)+" ", " "+f+" ") {
					t.Errorf("%s not listed: %s", f, names(r.Functions))
				}
			}
			kinds := ""
			for _, l := range r.Limits {
				kinds += " " + l.Kind + "/" + l.Severity
			}
			if c.want.limit != "" && !strings.Contains(kinds, c.want.limit) {
				t.Errorf("limit %s not flagged (limits:%s)", c.want.limit, kinds)
			}
			if c.want.noLimit != "" && strings.Contains(kinds, c.want.noLimit) {
				t.Errorf("limit %s flagged (limits:%s)", c.want.noLimit, kinds)
			}
			if c.want.summary != "" && !strings.Contains(r.Summary, c.want.summary) {
				t.Errorf("summary %q, want it to contain %q", r.Summary, c.want.summary)
			}
			if c.want.viaLib != "" {
				found := false
				for _, f := range r.Functions {
					found = found || f.Name == c.want.viaLib && strings.HasSuffix(f.ImportedBy, "libvia.so")
				}
				if !found {
					t.Errorf("%s not found as imported by libvia.so: %+v", c.want.viaLib, r.Functions)
				}
			}
		})
	}
}

// The command's exit status and its JSON.
func TestCheckCommand(t *testing.T) {
	buildLib(t)
	dir := t.TempDir()
	loop := cc(t, dir, "loop", progLoop, "-levent")
	plain := cc(t, dir, "plain", progPlain)
	for _, c := range []struct {
		args   []string
		status int
		files  int
	}{
		{[]string{"--json", loop}, 0, 1},
		{[]string{"--json", loop, plain}, 1, 2},
		{[]string{"--json", filepath.Join(dir, "missing")}, 2, 1},
		{[]string{"-v", loop}, 0, 0},
		{[]string{"--bogus", loop}, 2, 0},
		{nil, 2, 0},
	} {
		var out, errb bytes.Buffer
		st := cmdCheck(c.args, &out, &errb)
		if st != c.status {
			t.Errorf("check %v: status %d, want %d; %s%s", c.args, st, c.status, out.String(), errb.String())
		}
		if c.files > 0 {
			var rs []Report
			if err := json.Unmarshal(out.Bytes(), &rs); err != nil || len(rs) != c.files {
				t.Errorf("check %v: json: %v, %d reports\n%s", c.args, err, len(rs), out.String())
			}
		}
		if len(c.args) > 0 && c.args[0] == "-v" && !strings.Contains(out.String(), "event_base_once") {
			t.Errorf("check -v lists no functions:\n%s", out.String())
		}
	}
}

func TestRunEnv(t *testing.T) {
	for _, c := range []struct {
		env   []string
		stats string
		want  []string
	}{
		{[]string{"A=1"}, "", []string{"A=1", "LD_LIBRARY_PATH=/g"}},
		{[]string{"LD_LIBRARY_PATH=/u:/v", "A=1"}, "", []string{"A=1", "LD_LIBRARY_PATH=/g:/u:/v"}},
		{[]string{"LD_LIBRARY_PATH="}, "", []string{"LD_LIBRARY_PATH=/g"}},
		{[]string{"GOEVENT_STATS=old"}, "stderr", []string{"LD_LIBRARY_PATH=/g", "GOEVENT_STATS=stderr"}},
		{[]string{"GOEVENT_STATS=old"}, "", []string{"GOEVENT_STATS=old", "LD_LIBRARY_PATH=/g"}},
	} {
		if got := runEnv(c.env, "/g", c.stats); strings.Join(got, " ") != strings.Join(c.want, " ") {
			t.Errorf("runEnv(%v, %q) = %v, want %v", c.env, c.stats, got, c.want)
		}
	}
}

func TestParseRun(t *testing.T) {
	wd, _ := os.Getwd()
	for _, c := range []struct {
		args  []string
		stats string
		cmd   string
		err   bool
	}{
		{[]string{"prog", "-x"}, "", "prog -x", false},
		{[]string{"--stats", "prog"}, "stderr", "prog", false},
		{[]string{"--stats=out.txt", "prog", "a"}, filepath.Join(wd, "out.txt"), "prog a", false},
		{[]string{"--stats=/tmp/s", "--", "-prog"}, "/tmp/s", "-prog", false},
		{[]string{"--stats="}, "", "", true},
		{[]string{"--stats"}, "", "", true},
		{[]string{"--nope", "prog"}, "", "", true},
	} {
		stats, cmd, err := parseRun(c.args)
		if (err != nil) != c.err || stats != c.stats || strings.Join(cmd, " ") != c.cmd {
			t.Errorf("parseRun(%v) = %q, %v, %v", c.args, stats, cmd, err)
		}
	}
}

// goevent run --stats=FILE on a program linked against the system's
// libevent: the report in FILE shows it ran on ours, with its 10 callbacks.
func TestRunStats(t *testing.T) {
	buildLib(t)
	dir := t.TempDir()
	loop := cc(t, dir, "loop", progLoop, "-levent")
	bin := filepath.Join(dir, "goevent")
	if b, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Skipf("go build: %v\n%s", err, b)
	}
	stats := filepath.Join(dir, "stats.txt")
	cmd := exec.Command(bin, "run", "--stats="+stats, loop)
	cmd.Env = append(os.Environ(), "LD_LIBRARY_PATH=/nonexistent")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("goevent run: %v\n%s", err, b)
	}
	b, err := os.ReadFile(stats)
	if err != nil {
		t.Fatalf("no stats written: %v", err)
	}
	for _, want := range []string{"bases:             1", "callbacks run:     10", "timeout 10"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("stats lack %q:\n%s", want, b)
		}
	}
}
