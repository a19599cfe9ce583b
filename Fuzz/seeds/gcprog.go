package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
)

var keep [][]byte

func main() {
	for i := 0; i < 300000; i++ {
		b := make([]byte, 1024+i%4096)
		if i%50 == 0 {
			keep = append(keep, b)
		}
		if len(keep) > 2000 {
			keep = keep[:0]
		}
		if i%100000 == 0 {
			runtime.GC()
			fmt.Fprintln(os.Stderr, "program output line", i)
		}
	}
	debug.FreeOSMemory()
	fmt.Fprint(os.Stderr, "no newline here ")
	runtime.GC()
}
