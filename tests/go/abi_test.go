// Package tests holds Go tests of the built libraries as a program sees them:
// sonames, dependencies and exported symbols, read from the ELF files in
// build/lib (run `make` first; `make test` does).
package tests

import (
	"bufio"
	"debug/elf"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

const libDir = "../../build/lib"

// abiNames returns the 240 public function names of libevent 2.1.12's core.
func abiNames(t *testing.T) map[string]bool {
	t.Helper()
	f, err := os.Open("../../tools/abi/libevent-2.1.12-abi.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	names := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if name, _, ok := strings.Cut(sc.Text(), "\t"); ok {
			names[name] = true
		}
	}
	if len(names) != 240 {
		t.Fatalf("ABI list has %d names, want 240", len(names))
	}
	return names
}

// openLib opens one built library, skipping the test when it is not built.
func openLib(t *testing.T, name string) *elf.File {
	t.Helper()
	path := filepath.Join(libDir, name)
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s is not built (run make): %v", path, err)
	}
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// exported lists the global symbols a library defines for other objects.
func exported(t *testing.T, f *elf.File) []string {
	t.Helper()
	syms, err := f.DynamicSymbols()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range syms {
		bind := elf.ST_BIND(s.Info)
		if s.Section == elf.SHN_UNDEF || (bind != elf.STB_GLOBAL && bind != elf.STB_WEAK) {
			continue
		}
		out = append(out, s.Name)
	}
	sort.Strings(out)
	return out
}

func TestSonamesAndDependencies(t *testing.T) {
	const core = "libgoevent_core-2.1.so.7"
	tests := []struct {
		file, soname string
		needs        []string
		runpath      string // "" = none required
	}{
		// The C libraries depend on the Go core, found beside them: the
		// dynamic linker maps it at start, so it is there after a chroot
		// (its runtime starts lazily: tests/c/ours/core_lazy.c).
		{"libevent-2.1.so.7", "libevent-2.1.so.7", []string{core}, "$ORIGIN"},
		{"libevent_core-2.1.so.7", "libevent_core-2.1.so.7", []string{core}, "$ORIGIN"},
		{"libevent_extra-2.1.so.7", "libevent_extra-2.1.so.7", []string{core}, "$ORIGIN"},
		{"libevent_pthreads-2.1.so.7", "libevent_pthreads-2.1.so.7", []string{"libevent_core-2.1.so.7"}, ""},
		{core, core, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			f := openLib(t, tc.file)
			sonames, err := f.DynString(elf.DT_SONAME)
			if err != nil || len(sonames) != 1 || sonames[0] != tc.soname {
				t.Errorf("DT_SONAME = %v (%v), want %s", sonames, err, tc.soname)
			}
			needed, _ := f.ImportedLibraries()
			for _, n := range tc.needs {
				found := false
				for _, have := range needed {
					found = found || have == n
				}
				if !found {
					t.Errorf("DT_NEEDED = %v, missing %s", needed, n)
				}
			}
			if tc.runpath != "" {
				runpath, _ := f.DynString(elf.DT_RUNPATH)
				if len(runpath) != 1 || runpath[0] != tc.runpath {
					t.Errorf("DT_RUNPATH = %v, want %s", runpath, tc.runpath)
				}
			}
		})
	}
}

// Only libevent's public names may leave the C libraries: no runtime, cgo or
// internal helper symbol. The extra's names (tools/abi/extra-exports.txt) are
// exported only once implemented, and all of them are.
func TestCLibrariesExportOnlyLibeventNames(t *testing.T) {
	abi := abiNames(t)
	for _, name := range internalExports(t) {
		abi[name] = true
	}
	extra := extraNames(t)
	for _, name := range listFile(t, "extra-exports.txt") {
		if !extra[name] {
			t.Errorf("extra-exports.txt lists %q, which is not a libevent 2.1.12 extra function", name)
		}
		abi[name] = true
	}
	for _, lib := range []string{"libevent-2.1.so.7", "libevent_core-2.1.so.7", "libevent_extra-2.1.so.7", "libevent_pthreads-2.1.so.7"} {
		t.Run(lib, func(t *testing.T) {
			for _, name := range exported(t, openLib(t, lib)) {
				if !abi[name] {
					t.Errorf("%s exports %q, which is not a libevent 2.1.12 public function (or not listed as implemented)", lib, name)
				}
			}
		})
	}
}

// The three names a program may link (libevent, libevent_core,
// libevent_extra) carry the same functions, core and extra: whichever
// combination a program links, every name resolves to one copy.
func TestCoreExtraAndFullLibraryExportTheSameFunctions(t *testing.T) {
	a := exported(t, openLib(t, "libevent-2.1.so.7"))
	for _, other := range []string{"libevent_core-2.1.so.7", "libevent_extra-2.1.so.7"} {
		b := exported(t, openLib(t, other))
		if strings.Join(a, " ") != strings.Join(b, " ") {
			t.Errorf("libevent-2.1.so.7 and %s export different sets:\n%v\n%v", other, a, b)
		}
	}
	if len(a) < 60 {
		t.Errorf("only %d functions exported; the foundation alone has more", len(a))
	}
	have := map[string]bool{}
	for _, n := range a {
		have[n] = true
	}
	for _, n := range listFile(t, "extra-exports.txt") {
		if !have[n] {
			t.Errorf("%s is listed as implemented but not exported", n)
		}
	}
	// Every evdns function (event2/dns.h, event2/dns_compat.h) is done.
	f, err := os.ReadFile("../../tools/abi/libevent-2.1.12-extra-abi.tsv")
	if err != nil {
		t.Fatal(err)
	}
	ndns := 0
	for _, line := range strings.Split(string(f), "\n") {
		name, hdr, ok := strings.Cut(line, "\t")
		if ok && strings.HasPrefix(hdr, "event2/dns") {
			ndns++
			if !have[name] {
				t.Errorf("evdns function %s is not exported", name)
			}
		}
	}
	if ndns != 56 {
		t.Errorf("the extra ABI list has %d evdns functions, want 56", ndns)
	}
}

// The Go core exports exactly its two entry points (capi/gocore/core.map):
// goevent_core_prestart and goevent_core_attach; the runtime's stay local.
func TestGoCoreExportsOnlyItsEntryPoints(t *testing.T) {
	got := exported(t, openLib(t, "libgoevent_core-2.1.so.7"))
	if len(got) != 2 || got[0] != "goevent_core_attach" || got[1] != "goevent_core_prestart" {
		t.Errorf("core exports %d symbols %v, want goevent_core_attach and goevent_core_prestart", len(got), got[:min(len(got), 10)])
	}
}

// extraNames returns the 208 public function names of libevent 2.1.12's
// extra library (evdns, evhttp, evrpc, evtag).
func extraNames(t *testing.T) map[string]bool {
	t.Helper()
	names := map[string]bool{}
	data, err := os.ReadFile("../../tools/abi/libevent-2.1.12-extra-abi.tsv")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if name, _, ok := strings.Cut(line, "\t"); ok {
			names[name] = true
		}
	}
	if len(names) != 208 {
		t.Fatalf("extra ABI list has %d names, want 208", len(names))
	}
	return names
}

// internalExports lists tools/abi/internal-exports.txt: names beyond the ABI
// list that Debian's libevent_core exports too (its allocator entry points).
func internalExports(t *testing.T) []string {
	t.Helper()
	names := listFile(t, "internal-exports.txt")
	if len(names) == 0 {
		t.Fatal("internal-exports.txt lists no names")
	}
	return names
}

// listFile reads a one-name-a-line file of tools/abi ('#' comments).
func listFile(t *testing.T, name string) []string {
	t.Helper()
	data, err := os.ReadFile("../../tools/abi/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, line := range strings.Split(string(data), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			names = append(names, line)
		}
	}
	return names
}
