import BenchKit

/// The workloads allocator researchers use, written from their descriptions: every one runs on
/// `--threads` threads through the explicit ``Allocator`` interface (so on `go` too), reports
/// `ops/s` (all threads together, by the wall clock: the throughput reading of ns/op), and checks
/// every block it frees against what it wrote; a failed check makes the cell a failed row.
public enum AllocatorStressSuite {
    public static let workloads: [Workload] = [
        stress("Larson", Larson<Allocator>.self,
               "Larson's server simulation: 1000 live blocks of 8-1000 B per thread, one replaced at random per op; the sets change threads every 4096 ops, so blocks are freed by other threads"),
        stress("ProducerConsumer", ProducerConsumer<Allocator>.self,
               "xmalloc-style: 64-byte objects made on one thread, passed in batches of 64 to the next thread in a ring, checked and freed there; op = one object"),
        stress("CacheScratch", CacheScratch<Allocator>.self,
               "Hoard's cache-scratch (passive false sharing): each thread frees an object main allocated next to the others', then allocates an 8-byte object, writes it 64 times and frees it, per op"),
        stress("ParetoMix", ParetoMix<Allocator>.self,
               "alloc-test style: 1024 live blocks per thread, one replaced at random per op by a block of Pareto-distributed size (8 B to 1 KiB, half of them at most 16 B)"),
        stress("GlibcSimple", GlibcSimple<Allocator>.self,
               "glibc bench-malloc-simple style: batches of 25/100/400/1600 blocks of 16-128 B, the first half freed FIFO, the second LIFO; op = one block"),
        stress("LargeBlocks", LargeBlocks<Allocator>.self,
               "malloc-large: 20 live blocks of 5-25 MiB per thread, one replaced at random per op, one word written per 4 KiB page: page faults against resident memory"),
        stress("ThreadChurn", ThreadChurn<Allocator>.self,
               "short-lived threads (fresh ones every 1000 allocations each) that allocate 16-128 B objects, keep every 8th in a long-lived pool and exit: what thread exit strands shows in peak RSS; op = one object"),
        stress("BinaryTrees", BinaryTrees<Allocator>.self,
               "binary-trees: per op, build a tree of depth 10 (2047 nodes of 24 B), check every node and free it, beside a long-lived tree of depth 14 per thread"),
    ]

    static func stress<Test: StressTest>(_ name: String, _ test: Test.Type, _ summary: String) -> Workload
    where Test.Memory == Allocator {
        Workload(suite: "AllocatorStress", name: name, summary: summary, threading: .parallel) { b in
            Stress.measure(test, b)
        }
    }
}
