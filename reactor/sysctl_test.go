package reactor_test

import (
	"os"
	"path/filepath"
	"testing"

	"goevent/reactor"
)

// The fd cap is read from /proc/sys/fs/nr_open with plain system calls;
// anything but a decimal number there means "unknown" (-1), and the cap then
// falls back to the kernel's default.
func TestReadSysctlInt(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name, content string
		want          int
	}{
		{"number and newline", "1048576\n", 1048576},
		{"number alone", "42", 42},
		{"zero", "0\n", 0},
		{"empty", "", -1},
		{"not a number", "abc\n", -1},
		{"leading space", " 12\n", -1},
		{"too large", "99999999999999999999\n", -1},
	}
	for _, c := range cases {
		p := filepath.Join(dir, c.name)
		if err := os.WriteFile(p, []byte(c.content), 0o600); err != nil {
			t.Fatal(err)
		}
		if got := reactor.ReadSysctlInt(p); got != c.want {
			t.Errorf("%s: %q read as %d, want %d", c.name, c.content, got, c.want)
		}
	}
	if got := reactor.ReadSysctlInt(filepath.Join(dir, "missing")); got != -1 {
		t.Errorf("a missing file read as %d, want -1", got)
	}
	if got := reactor.ReadSysctlInt("/proc/sys/fs/nr_open"); got <= 0 {
		t.Errorf("/proc/sys/fs/nr_open read as %d", got)
	}
}
