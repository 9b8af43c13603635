package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// The file that marks a goevent library directory: Debian's libevent has
// libevent_core too, only goevent has the Go core beside it.
const coreLib = "libgoevent_core-2.1.so.7"

// libDir finds goevent's libraries: $GOEVENT_LIBDIR, else relative to this
// executable: ../lib/x86_64-linux-gnu/goevent (the .deb), ../lib/goevent,
// ../lib (make install, and the build tree's build/bin -> build/lib).
func libDir() (string, error) {
	if d := os.Getenv("GOEVENT_LIBDIR"); d != "" {
		if isLibDir(d) {
			return filepath.Abs(d)
		}
		return "", errors.New("GOEVENT_LIBDIR=" + d + " holds no " + coreLib)
	}
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	if r, err := filepath.EvalSymlinks(exe); err == nil {
		exe = r
	}
	bin := filepath.Dir(exe)
	for _, rel := range []string{"../lib/x86_64-linux-gnu/goevent", "../lib/goevent", "../lib", "../../build/lib"} {
		d := filepath.Clean(filepath.Join(bin, rel))
		if isLibDir(d) {
			return d, nil
		}
	}
	return "", errors.New("cannot find goevent's libraries (" + coreLib + ") near " + bin + "; set GOEVENT_LIBDIR")
}

func isLibDir(d string) bool {
	_, err := os.Stat(filepath.Join(d, coreLib))
	return err == nil
}

// runEnv is env with dir first in LD_LIBRARY_PATH (the user's entries kept
// after it) and GOEVENT_STATS set to stats when not empty.
func runEnv(env []string, dir, stats string) []string {
	out := make([]string, 0, len(env)+2)
	llp := dir
	for _, kv := range env {
		switch {
		case strings.HasPrefix(kv, "LD_LIBRARY_PATH="):
			if old := strings.TrimPrefix(kv, "LD_LIBRARY_PATH="); old != "" {
				llp = dir + ":" + old
			}
		case stats != "" && strings.HasPrefix(kv, "GOEVENT_STATS="):
		default:
			out = append(out, kv)
		}
	}
	out = append(out, "LD_LIBRARY_PATH="+llp)
	if stats != "" {
		out = append(out, "GOEVENT_STATS="+stats)
	}
	return out
}

// parseRun splits run's arguments into the stats destination ("" = off,
// "stderr", or an absolute file name) and the command.
func parseRun(args []string) (stats string, cmd []string, err error) {
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		a := args[0]
		args = args[1:]
		switch {
		case a == "--":
			return stats, args, nil
		case a == "--stats":
			stats = "stderr"
		case strings.HasPrefix(a, "--stats="):
			f := strings.TrimPrefix(a, "--stats=")
			if f == "" {
				return "", nil, errors.New("--stats= needs a file name")
			}
			if f != "stderr" {
				if f, err = filepath.Abs(f); err != nil { // the program may chdir
					return "", nil, err
				}
			}
			stats = f
		default:
			return "", nil, errors.New("unknown option " + a)
		}
	}
	if len(args) == 0 {
		return "", nil, errors.New("run: no program given")
	}
	return stats, args, nil
}

func cmdRun(args []string, stderr *os.File) int {
	stats, cmd, err := parseRun(args)
	if err != nil {
		stderr.WriteString("goevent: " + err.Error() + "\n" + usage)
		return 2
	}
	dir, err := libDir()
	if err != nil {
		stderr.WriteString("goevent: " + err.Error() + "\n")
		return 127
	}
	path, err := lookPath(cmd[0])
	if err != nil {
		stderr.WriteString("goevent: " + err.Error() + "\n")
		return 127
	}
	err = syscall.Exec(path, cmd, runEnv(os.Environ(), dir, stats))
	stderr.WriteString("goevent: " + path + ": " + err.Error() + "\n")
	return 126
}

// lookPath is exec.LookPath without its refusal of relative results: a
// name with a slash is used as is, else it is searched in $PATH.
func lookPath(name string) (string, error) {
	if strings.Contains(name, "/") {
		return name, nil
	}
	for _, d := range filepath.SplitList(os.Getenv("PATH")) {
		if d == "" {
			d = "."
		}
		p := filepath.Join(d, name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", errors.New(name + ": not found in PATH")
}
