import BenchKit
#if canImport(Glibc)
import Glibc
#endif

/// The allocator alone: blocks allocated and freed through the explicit `Allocator` interface,
/// the same calls on every allocator (jemalloc's `mallocx`/`sdallocx`, glibc's and the others'
/// `malloc`/`free`, GoAlloc directly). One op is one allocation and one free.
public enum ExplicitAllocSuite {
    public static let workloads: [Workload] = [
        Workload(suite: "ExplicitAlloc", name: "Pair80",
                 summary: "allocate an 80-byte block and free it at once: the fast path of both, nothing else") { b in
            let allocator = b.allocator
            for _ in 0..<b.n {
                let block = allocator.allocate(byteCount: 80)
                b.blackHole(block)
                allocator.deallocate(block, byteCount: 80)
            }
        },
        Workload(suite: "ExplicitAlloc", name: "Batch1000",
                 summary: "1000 80-byte allocations, then the 1000 frees in the same order: caches fill and drain") { b in
            let allocator = b.allocator
            let batch = 1000
            let blocks = UnsafeMutablePointer<UnsafeMutableRawPointer>.allocate(capacity: batch)
            b.resetTimer()
            var remaining = b.n
            while remaining > 0 {
                let count = min(batch, remaining)
                for index in 0..<count { blocks[index] = allocator.allocate(byteCount: 80) }
                b.blackHole(blocks)
                for index in 0..<count { allocator.deallocate(blocks[index], byteCount: 80) }
                remaining -= count
            }
            b.stopTimer()
            blocks.deallocate()
        },
        Workload(suite: "ExplicitAlloc", name: "Churn",
                 summary: "32768 live blocks of mixed sizes (16 B to 256 KiB, written in full); each op frees one at random and allocates a new one: speed and footprint (peak RSS) under fragmentation") { b in
            Churn.run(b)
        },
    ]
}

/// The churn workload: a fixed population of live blocks, replaced one at a time.
enum Churn {
    static let slots = 32768

    static func run(_ b: B) {
        let allocator = b.allocator
        var random = XorShift(seed: 0x5EED)
        let blocks = UnsafeMutablePointer<UnsafeMutableRawPointer>.allocate(capacity: slots)
        let sizes = UnsafeMutablePointer<Int>.allocate(capacity: slots)
        for slot in 0..<slots {
            sizes[slot] = nextSize(&random)
            blocks[slot] = allocator.allocate(byteCount: sizes[slot])
            blocks[slot].initializeMemory(as: UInt8.self, repeating: UInt8(truncatingIfNeeded: slot), count: sizes[slot])
        }
        b.resetTimer()
        for _ in 0..<b.n {
            let slot = Int(random.next() % UInt64(slots))
            allocator.deallocate(blocks[slot], byteCount: sizes[slot])
            let size = nextSize(&random)
            let block = allocator.allocate(byteCount: size)
            block.initializeMemory(as: UInt8.self, repeating: UInt8(truncatingIfNeeded: slot), count: size)
            blocks[slot] = block
            sizes[slot] = size
        }
        b.stopTimer()
        for slot in 0..<slots { allocator.deallocate(blocks[slot], byteCount: sizes[slot]) }
        blocks.deallocate()
        sizes.deallocate()
    }

    /// 90% small (16 B to 1 KiB), 9% medium (1 to 16 KiB), 1% large (32 to 256 KiB), each spread
    /// evenly on a log scale: about 1.7 KiB on average, 55 MiB live in all.
    static func nextSize(_ random: inout XorShift) -> Int {
        let roll = random.next() % 100
        let (low, high): (Double, Double) = roll < 90 ? (16, 1024) : roll < 99 ? (1024, 16384) : (32768, 262_144)
        let unit = Double(random.next() >> 11) / Double(1 << 53)
        return Int(low * exp2(unit * log2(high / low)))
    }
}

/// Marsaglia's xorshift64: the same sequence on every allocator, no allocation.
struct XorShift {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}
