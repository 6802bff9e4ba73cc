// The Go side of the collector comparison: AllocatorStress/BinaryTrees as Go writes it. Each
// goroutine (GOMAXPROCS of them, as b.RunParallel runs) keeps a long-lived tree of depth 14, and per
// op builds a tree of depth 10 (2047 nodes of 24 bytes: two pointers and a tag), checks its shape
// and tags, and drops it; the collector frees it. ns/op is wall time over the ops of all
// goroutines, as the Swift workload's is over the ops of all its threads.
package gocompare

import (
	"runtime"
	"testing"
	"time"
)

type node struct {
	left, right *node
	tag         uint64
}

func build(depth int, tag uint64) *node {
	n := &node{tag: tag + uint64(depth)}
	if depth > 0 {
		n.left = build(depth-1, tag)
		n.right = build(depth-1, tag)
	}
	return n
}

func check(n *node, depth int, tag uint64) bool {
	if n == nil || n.tag != tag+uint64(depth) {
		return false
	}
	if depth == 0 {
		return n.left == nil && n.right == nil
	}
	return check(n.left, depth-1, tag) && check(n.right, depth-1, tag)
}

// BenchmarkBinaryTrees reports, beside ns/op, B/op and allocs/op, the collections per thousand ops
// and the share of the wall-clock time the world was stopped (gc-pause-%).
func BenchmarkBinaryTrees(b *testing.B) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now() // b.Elapsed is Go 1.20's; this builds with Debian's 1.19
	b.RunParallel(func(pb *testing.PB) {
		longLived := build(14, 1<<40)
		op := uint64(0)
		for pb.Next() {
			op++
			tag := op * 0x9E3779B97F4A7C15
			if !check(build(10, tag), 10, tag) {
				b.Error("a tree lost its shape or its tags")
			}
		}
		if !check(longLived, 14, 1<<40) {
			b.Error("the long-lived tree lost its shape or its tags")
		}
	})
	b.StopTimer()
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	if b.N > 0 && elapsed > 0 {
		b.ReportMetric(float64(after.NumGC-before.NumGC)*1000/float64(b.N), "GCs/kop")
		b.ReportMetric(float64(after.PauseTotalNs-before.PauseTotalNs)*100/float64(elapsed.Nanoseconds()), "gc-pause-%")
	}
}
