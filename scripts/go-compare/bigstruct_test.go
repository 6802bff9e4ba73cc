// The Go side of scripts/go-compare.sh: BigStruct/PointerItManual as Go writes it. The struct has
// the fields of Benchmarks/BigStruct/BigStruct.swift (three ints, three strings, three bools: 75
// bytes, allocated in Go's 80-byte size class); pointerIt returns a pointer to a fresh one, so it
// escapes to the heap: one allocation of 80 bytes per op, and the garbage collector frees it.
package gocompare

import (
	"runtime"
	"testing"
	"time"
)

type BigStruct struct {
	A, B, C int
	D, E, F string
	G, H, I bool
}

//go:noinline
func pointerIt() *BigStruct {
	return &BigStruct{A: 123, B: 456, C: 789, D: "ABC", E: "DEF", F: "HIJ", G: true, H: true, I: true}
}

// BenchmarkPointerItManual reports, beside ns/op, B/op and allocs/op, the share of the timed
// wall-clock time the world was stopped (gc-pause-%, from PauseTotalNs as for go-gc's gc-%) and
// the collections per million ops. Go also marks concurrently, outside those pauses, on a
// quarter of GOMAXPROCS and in allocation assists: that work is in ns/op, not in gc-pause-%.
func BenchmarkPointerItManual(b *testing.B) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	start := time.Now() // b.Elapsed is Go 1.20's; Debian 12 ships 1.19
	var p *BigStruct
	for i := 0; i < b.N; i++ {
		p = pointerIt()
	}
	elapsed := time.Since(start).Nanoseconds()
	b.StopTimer()
	runtime.ReadMemStats(&after)
	if p.A != 123 {
		b.Fatal("pointerIt built the wrong struct")
	}
	if elapsed > 0 {
		b.ReportMetric(100*float64(after.PauseTotalNs-before.PauseTotalNs)/float64(elapsed), "gc-pause-%")
	}
	b.ReportMetric(1e6*float64(after.NumGC-before.NumGC)/float64(b.N), "GCs/Mop")
}
