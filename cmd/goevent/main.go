// Command goevent runs existing libevent programs on goevent and tells
// whether they can.
//
//	goevent check [--json] [-v] PROGRAM|LIBRARY...
//	goevent run [--stats[=FILE]] PROGRAM [ARGS...]
//	goevent libdir
//
// check reads the ELF files (debug/elf): the libevent functions they import,
// directly and through the shared libraries they need (found as the dynamic
// loader would), which of them goevent's libraries export, and the known
// limits that apply. It exits 0 only when goevent provides every function.
//
// run puts goevent's library directory in front of LD_LIBRARY_PATH (keeping
// the user's) and execs the program; --stats makes the library print at exit
// what the loops did (GOEVENT_STATS, capi/stats.c).
package main

import (
	"fmt"
	"os"
)

const usage = `usage:
  goevent check [--json] [-v] PROGRAM|LIBRARY...
        which libevent functions the files use and whether goevent provides them
        (exit 0: all provided; 1: something missing; 2: a file could not be read)
  goevent run [--stats[=FILE]] PROGRAM [ARGS...]
        run PROGRAM on goevent's libraries; --stats prints at exit what the
        event loops did, to stderr or appended to FILE
  goevent libdir
        print the directory goevent's libraries are in
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	switch os.Args[1] {
	case "check":
		os.Exit(cmdCheck(os.Args[2:], os.Stdout, os.Stderr))
	case "run":
		os.Exit(cmdRun(os.Args[2:], os.Stderr))
	case "libdir":
		dir, err := libDir()
		if err != nil {
			fmt.Fprintln(os.Stderr, "goevent:", err)
			os.Exit(1)
		}
		fmt.Println(dir)
	case "-h", "--help", "help":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "goevent: unknown command %q\n%s", os.Args[1], usage)
		os.Exit(2)
	}
}
