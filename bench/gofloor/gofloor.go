// Package main is an otherwise empty Go c-shared library with one export:
// the benchmark rows go_floor_start and go_floor_exit (bench/run.sh) time a
// C program that calls it against the same program without it, to show
// what starting and ending any Go runtime inside a C process costs on this
// machine, next to the start-up and exit rows of goevent, whose core is Go.
package main

import "C"

//export gofloor_call
func gofloor_call() C.int { return 42 }

func main() {}
