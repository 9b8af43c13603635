package main

import (
	"debug/elf"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// libeventSoname matches the libraries goevent replaces (and its own core).
var libeventSoname = regexp.MustCompile(`^lib(go)?event(_core|_extra|_pthreads|_openssl)?-2\.[0-9]+\.so(\.[0-9]+)*$`)

// Function is one libevent function a file uses.
type Function struct {
	Name       string `json:"name"`
	Group      string `json:"group"`
	Provided   bool   `json:"provided"`
	ImportedBy string `json:"imported_by"` // the file itself or one of its libraries
}

// Group is the count of one group's functions.
type Group struct {
	Name     string   `json:"name"`
	Used     int      `json:"used"`
	Provided int      `json:"provided"`
	Missing  []string `json:"missing"`
}

// Limit is a known limit of goevent that may apply to the file.
type Limit struct {
	Kind     string `json:"kind"`
	Severity string `json:"severity"` // "warning": may change behaviour; "info": fine
	Message  string `json:"message"`
}

// Lib is a libevent library the file needs, and where the loader finds it.
type Lib struct {
	Name string `json:"name"`
	Path string `json:"path,omitempty"`
}

// Report is what check says about one file.
type Report struct {
	File      string     `json:"file"`
	OK        bool       `json:"ok"` // every function provided (and libevent is linked dynamically)
	Summary   string     `json:"summary"`
	Libraries []Lib      `json:"libevent_libraries"`
	Groups    []Group    `json:"groups"`
	Functions []Function `json:"functions"`
	Limits    []Limit    `json:"limits"`
	Error     string     `json:"error,omitempty"`
}

// object is one ELF file of a program's closure.
type object struct {
	path    string
	soname  string
	needed  []string
	rpath   []string // DT_RPATH, $ORIGIN expanded (used only without DT_RUNPATH)
	runpath []string // DT_RUNPATH, $ORIGIN expanded
	undef   []string // imported function and object names
	defined map[string]bool
	class   elf.Class
	machine elf.Machine
}

func readObject(path string) (*object, error) {
	f, err := elf.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	o := &object{path: path, defined: map[string]bool{}, class: f.Class, machine: f.Machine}
	origin := filepath.Dir(path)
	expand := func(vals []string) []string {
		var out []string
		for _, v := range vals {
			for _, d := range strings.Split(v, ":") {
				d = strings.ReplaceAll(strings.ReplaceAll(d, "${ORIGIN}", origin), "$ORIGIN", origin)
				if d != "" {
					out = append(out, d)
				}
			}
		}
		return out
	}
	o.needed, _ = f.DynString(elf.DT_NEEDED)
	if s, _ := f.DynString(elf.DT_SONAME); len(s) > 0 {
		o.soname = s[0]
	}
	rp, _ := f.DynString(elf.DT_RPATH)
	o.rpath = expand(rp)
	rp, _ = f.DynString(elf.DT_RUNPATH)
	o.runpath = expand(rp)
	syms, err := f.DynamicSymbols()
	if err != nil && !errors.Is(err, elf.ErrNoSymbols) {
		return nil, err
	}
	for _, s := range syms {
		b := elf.ST_BIND(s.Info)
		if b != elf.STB_GLOBAL && b != elf.STB_WEAK {
			continue
		}
		if s.Section == elf.SHN_UNDEF {
			o.undef = append(o.undef, s.Name)
		} else {
			o.defined[s.Name] = true
		}
	}
	return o, nil
}

// loader resolves DT_NEEDED names as ld.so does: DT_RPATH (of an object
// without DT_RUNPATH), LD_LIBRARY_PATH, DT_RUNPATH, /etc/ld.so.cache, the
// default directories.
type loader struct {
	libPath []string
	cache   map[string]string // soname -> path, from ldconfig -p
}

var defaultDirs = []string{"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib"}

func newLoader() *loader {
	l := &loader{cache: map[string]string{}}
	for _, d := range filepath.SplitList(os.Getenv("LD_LIBRARY_PATH")) {
		if d != "" {
			l.libPath = append(l.libPath, d)
		}
	}
	// "\tlibfoo.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libfoo.so.1"
	if out, err := exec.Command("/sbin/ldconfig", "-p").Output(); err == nil {
		for _, line := range strings.Split(string(out), "\n") {
			name, rest, ok := strings.Cut(strings.TrimSpace(line), " (")
			if !ok || !strings.Contains(rest, "x86-64") {
				continue
			}
			if _, p, ok := strings.Cut(rest, "=> "); ok {
				if _, seen := l.cache[name]; !seen {
					l.cache[name] = p
				}
			}
		}
	}
	return l
}

func (l *loader) resolve(name string, from *object) string {
	if strings.Contains(name, "/") {
		return name
	}
	var dirs []string
	if len(from.runpath) == 0 {
		dirs = append(dirs, from.rpath...)
	}
	dirs = append(dirs, l.libPath...)
	dirs = append(dirs, from.runpath...)
	for _, d := range dirs {
		if p := filepath.Join(d, name); fits(p, from) {
			return p
		}
	}
	if p, ok := l.cache[name]; ok && fits(p, from) {
		return p
	}
	for _, d := range defaultDirs {
		if p := filepath.Join(d, name); fits(p, from) {
			return p
		}
	}
	return ""
}

// fits: p is an ELF file of from's class and machine (the loader skips others).
func fits(p string, from *object) bool {
	f, err := elf.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	return f.Class == from.class && f.Machine == from.machine
}

// closure is the file and every library it needs, breadth first, each once.
func (l *loader) closure(root *object) (objs []*object, missing []string) {
	seen := map[string]bool{}
	queue := []*object{root}
	objs = append(objs, root)
	for len(queue) > 0 {
		o := queue[0]
		queue = queue[1:]
		for _, n := range o.needed {
			if seen[n] {
				continue
			}
			seen[n] = true
			p := l.resolve(n, o)
			if p == "" {
				missing = append(missing, n)
				continue
			}
			d, err := readObject(p)
			if err != nil {
				missing = append(missing, n)
				continue
			}
			if d.soname == "" {
				d.soname = n
			}
			objs = append(objs, d)
			queue = append(queue, d)
		}
	}
	return objs, missing
}

// provided reads the names goevent's libraries in dir export.
func provided(dir string) (map[string]bool, error) {
	p := map[string]bool{}
	for _, lib := range []string{"libevent_core-2.1.so.7", "libevent_extra-2.1.so.7", "libevent_pthreads-2.1.so.7", "libevent_openssl-2.1.so.7"} {
		o, err := readObject(filepath.Join(dir, lib))
		if err != nil {
			return nil, fmt.Errorf("reading goevent's %s: %v", lib, err)
		}
		for n := range o.defined {
			p[n] = true
		}
	}
	return p, nil
}

// loopNames: calling one of them means the program runs an event loop.
var loopNames = []string{"event_base_dispatch", "event_base_loop", "event_dispatch", "event_loop", "evhttp_start"}

// check builds the report of one file against the names goevent provides.
func check(path string, l *loader, ours map[string]bool) Report {
	r := Report{File: path, Groups: []Group{}, Functions: []Function{}, Limits: []Limit{}, Libraries: []Lib{}}
	root, err := readObject(path)
	if err != nil {
		r.Error = err.Error()
		r.Summary = "cannot read: " + err.Error()
		return r
	}
	objs, missingLibs := l.closure(root)

	// Names Debian's libevent defines beyond our lists count as libevent's
	// too (internal exports some programs use), grouped by library.
	extra := map[string]string{}
	var users []*object
	for _, o := range objs {
		name := o.soname
		if o == root {
			name = filepath.Base(path)
		}
		if o != root && libeventSoname.MatchString(name) {
			r.Libraries = append(r.Libraries, Lib{Name: name, Path: o.path})
			if !isLibDir(filepath.Dir(o.path)) { // a real libevent, not ours
				for n := range o.defined {
					extra[n] = groupOfLib(name)
				}
			}
			continue
		}
		users = append(users, o)
	}
	for _, n := range missingLibs {
		if libeventSoname.MatchString(n) {
			r.Libraries = append(r.Libraries, Lib{Name: n})
		}
	}

	seen := map[string]bool{}
	imports := map[string]bool{}
	for _, o := range users {
		by := o.path
		for _, n := range o.undef {
			imports[n] = true
			g, ok := libeventNames[n]
			if !ok {
				g, ok = extra[n]
			}
			if !ok || seen[n] || strings.HasPrefix(n, "goevent_") {
				continue
			}
			seen[n] = true
			r.Functions = append(r.Functions, Function{Name: n, Group: g, Provided: ours[n], ImportedBy: by})
		}
	}
	sort.Slice(r.Functions, func(i, j int) bool { return r.Functions[i].Name < r.Functions[j].Name })

	byGroup := map[string]*Group{}
	for _, f := range r.Functions {
		g := byGroup[f.Group]
		if g == nil {
			g = &Group{Name: f.Group, Missing: []string{}}
			byGroup[f.Group] = g
		}
		g.Used++
		if f.Provided {
			g.Provided++
		} else {
			g.Missing = append(g.Missing, f.Name)
		}
	}
	missing := 0
	for _, name := range groups {
		if g := byGroup[name]; g != nil {
			r.Groups = append(r.Groups, *g)
			missing += len(g.Missing)
		}
	}

	// Limits.
	static := 0
	for n := range root.defined {
		if _, ok := libeventNames[n]; ok && !libeventSoname.MatchString(root.soname) {
			static++
		}
	}
	runsLoop := false
	for _, n := range loopNames {
		runsLoop = runsLoop || imports[n]
	}
	if static > 0 {
		r.Limits = append(r.Limits, Limit{"static", "warning", fmt.Sprintf(
			"%s defines %d libevent functions itself (libevent linked in statically, or its own copy): those calls never reach goevent", filepath.Base(path), static)})
	}
	if imports["fork"] && runsLoop {
		r.Limits = append(r.Limits, Limit{"fork", "warning",
			"calls fork() and runs an event loop. A child forked before the loop first ran, or one that execs, is unaffected. " +
				"A child forked after it gets a fresh goevent core: the bases, bufferevents, listeners and evbuffers it makes work, " +
				"but of the parent's it can only delete events of a base, make its loop exit and free it; other calls on them " +
				"(freeing the parent's bufferevents or listeners included) fail with a logged message, where libevent lets the child " +
				"go on using them. A child forked inside a callback can start its core only after that callback returns " +
				"(docs/DIFFERENCES.md, docs/ARCHITECTURE.md \"Fork\")"})
	} else if imports["fork"] || imports["daemon"] {
		r.Limits = append(r.Limits, Limit{"fork", "info",
			"forks (fork/daemon); a child that forks before the first loop, or execs, is unaffected"})
	}
	if imports["chroot"] {
		r.Limits = append(r.Limits, Limit{"chroot", "info",
			"calls chroot(): fine, goevent's core is mapped at program start and needs no file afterwards"})
	}
	if imports["evthread_use_windows_threads"] || imports["evthread_set_lock_callbacks"] && !imports["evthread_use_pthreads"] {
		r.Limits = append(r.Limits, Limit{"locks", "info",
			"sets its own lock callbacks: goevent's bases keep the callbacks they were created with (docs/DIFFERENCES.md)"})
	}

	switch {
	case len(r.Functions) == 0 && static == 0:
		r.Summary = "does not use libevent"
	case static > 0 && len(r.Libraries) == 0:
		r.Summary = "libevent is linked in statically: goevent cannot replace it"
	case missing > 0:
		r.Summary = fmt.Sprintf("%d of %d libevent functions it uses are not provided by goevent", missing, len(r.Functions))
	default:
		r.OK = true
		r.Summary = fmt.Sprintf("goevent provides all %d libevent functions it uses", len(r.Functions))
	}
	return r
}

func cmdCheck(args []string, stdout, stderr io.Writer) int {
	asJSON, verbose := false, false
	var files []string
	for _, a := range args {
		switch a {
		case "--json":
			asJSON = true
		case "-v", "--verbose":
			verbose = true
		default:
			if strings.HasPrefix(a, "-") {
				fmt.Fprintf(stderr, "goevent: unknown option %s\n%s", a, usage)
				return 2
			}
			files = append(files, a)
		}
	}
	if len(files) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	dir, err := libDir()
	if err != nil {
		fmt.Fprintln(stderr, "goevent:", err)
		return 2
	}
	ours, err := provided(dir)
	if err != nil {
		fmt.Fprintln(stderr, "goevent:", err)
		return 2
	}
	l := newLoader()
	status := 0
	var reports []Report
	for _, f := range files {
		if !strings.Contains(f, "/") {
			if _, err := os.Stat(f); err != nil {
				if p, err := lookPath(f); err == nil {
					f = p
				}
			}
		}
		r := check(f, l, ours)
		switch {
		case r.Error != "":
			status = max(status, 2)
		case !r.OK:
			status = max(status, 1)
		}
		reports = append(reports, r)
	}
	if asJSON {
		e := json.NewEncoder(stdout)
		e.SetIndent("", "  ")
		e.Encode(reports)
		return status
	}
	for i, r := range reports {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		printReport(stdout, r, verbose)
	}
	return status
}

func printReport(w io.Writer, r Report, verbose bool) {
	fmt.Fprintf(w, "%s\n", r.File)
	if r.Error != "" {
		fmt.Fprintf(w, "  error: %s\n", r.Error)
		return
	}
	for _, l := range r.Libraries {
		where := l.Path
		if where == "" {
			where = "not found"
		}
		fmt.Fprintf(w, "  needs %s (%s)\n", l.Name, where)
	}
	for _, g := range r.Groups {
		mark := "ok"
		if len(g.Missing) > 0 {
			mark = "MISSING " + strings.Join(g.Missing, ", ")
		}
		fmt.Fprintf(w, "  %-9s %3d used, %3d provided  %s\n", g.Name, g.Used, g.Provided, mark)
		if verbose {
			for _, f := range r.Functions {
				if f.Group == g.Name {
					s := "provided"
					if !f.Provided {
						s = "NOT PROVIDED"
					}
					via := ""
					if f.ImportedBy != r.File {
						via = " (via " + filepath.Base(f.ImportedBy) + ")"
					}
					fmt.Fprintf(w, "      %-40s %s%s\n", f.Name, s, via)
				}
			}
		}
	}
	for _, l := range r.Limits {
		fmt.Fprint(w, wrap(fmt.Sprintf("%s (%s): %s", l.Severity, l.Kind, l.Message), "  ", "      ", 100))
	}
	verdict := "OK"
	if !r.OK {
		verdict = "NOT OK"
	}
	fmt.Fprintf(w, "  %s: %s\n", verdict, r.Summary)
}

// wrap breaks s into lines of at most width columns at spaces, the first
// line indented by first, the others by rest.
func wrap(s, first, rest string, width int) string {
	var b strings.Builder
	line := first
	for _, word := range strings.Fields(s) {
		if len(line) > len(rest) && len(line)+1+len(word) > width {
			b.WriteString(line + "\n")
			line = rest
		}
		if line != first && line != rest {
			line += " "
		}
		line += word
	}
	b.WriteString(line + "\n")
	return b.String()
}
