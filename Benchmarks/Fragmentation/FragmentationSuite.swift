import BenchKit
import CBenchKit
#if canImport(Glibc)
import Glibc
#endif

/// How much memory does each allocator hold that the program no longer uses? (The Mesh paper's
/// question.) A server-like heap whose sizes shift in phases, 60 ticks, with MemStats and the
/// process's resident memory after every tick (`memstats.csv`, and the heap chart's RSS line):
///
/// | ticks | what happens | live at the end of the phase (count x mean size) |
/// |---|---|---|
/// | 0-14 | 16,000 small blocks of 16-256 B a tick | 240,000 blocks, about 31 MiB |
/// | 15-24 | 9% of them freed a tick, in a scattered order | 24,000 small blocks, about 3.1 MiB |
/// | 25-44 | 400 medium blocks of 1-8 KiB a tick | plus 8,000 medium ones, about 35 MiB |
/// | 45-59 | the medium blocks freed, 1/15 a tick | the 24,000 small survivors |
///
/// After the scattered frees every small span or page still holds a live block or two: an
/// allocator that can reuse those holes only for small blocks, or cannot give their pages back,
/// keeps the small phase's memory while the medium phase asks for more. Every block is written in
/// full (its pages become resident) and checked before it is freed, and each tick is followed by
/// 100 ms of idle time (not timed), as a server has between bursts. The workload reports the bytes
/// it holds at the last tick (`live-MiB`) and the process's resident memory over them (`rss/live`).
public enum FragmentationSuite {
    static let ticks = 60
    static let smallPerTick = 16_000, smallTicks = 15, smallSizes = 16...256
    static let freeTicks = 10
    static let mediumPerTick = 400, mediumTicks = 20, mediumSizes = 1024...8192
    /// The idle time after each tick: 60 ticks make a 6-second run.
    static let idleMicroseconds: UInt32 = 100_000

    public static let workloads: [Workload] = [
        Workload(suite: "Fragmentation", name: "ShiftingSizes",
                 summary: "60 ticks: 240,000 blocks of 16-256 B, 90% of them freed in a scattered order, then 8,000 of 1-8 KiB, then those freed; MemStats and RSS after every tick; reports rss/live at the end",
                 fixedIterations: ticks) { b in
            var heap = ShiftingHeap(b.allocator)
            for tick in 0..<b.n {
                heap.step(tick)
                // A server between bursts: allocators that return memory on a clock (jemalloc's
                // decay, the scavengers) get the time to; the timer does not count it.
                b.stopTimer()
                usleep(FragmentationSuite.idleMicroseconds)
                b.startTimer()
                b.recordMemStatsSample(liveBytes: heap.liveBytes)
                if let error = heap.error { b.fail(error); break }
            }
            b.stopTimer()
            b.reportMetric("live-MiB", Double(heap.liveBytes) / 1_048_576)
            b.reportMetric("rss/live", Double(benchkit_resident_bytes()) / Double(max(heap.liveBytes, 1)))
            heap.freeAll()
        },
    ]
}

/// The blocks of ``FragmentationSuite``'s workload: a slot table (malloc'd, registered as a root
/// for go-gc's collector) of blocks, each stamped with its slot in every byte.
struct ShiftingHeap {
    private let allocator: Allocator
    private let slots: UnsafeMutablePointer<(block: UnsafeMutableRawPointer?, size: Int)>
    private let capacity = FragmentationSuite.smallPerTick * FragmentationSuite.smallTicks
        + FragmentationSuite.mediumPerTick * FragmentationSuite.mediumTicks
    /// The order the small blocks are freed in: a permutation of their slots.
    private var freeOrder: [Int]
    private var random = XorShift(seed: 0xF4A6)
    private var used = 0
    private(set) var liveBytes = 0
    private(set) var error: String?

    init(_ allocator: Allocator) {
        self.allocator = allocator
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: (nil, 0), count: capacity)
        allocator.registerRoot(slots, byteCount: capacity * MemoryLayout<(UnsafeMutableRawPointer?, Int)>.stride)
        let small = FragmentationSuite.smallPerTick * FragmentationSuite.smallTicks
        freeOrder = Array(0..<small)
        var shuffle = XorShift(seed: 0x5CA7)
        for index in stride(from: small - 1, to: 0, by: -1) { freeOrder.swapAt(index, shuffle.next(below: index + 1)) }
    }

    mutating func step(_ tick: Int) {
        typealias S = FragmentationSuite
        let small = S.smallPerTick * S.smallTicks
        switch tick {
        case ..<S.smallTicks:
            for _ in 0..<S.smallPerTick { add(size: random.next(in: S.smallSizes)) }
        case ..<(S.smallTicks + S.freeTicks):
            // 90% of the small blocks over the phase, 9% a tick, in the shuffled order.
            let perTick = small * 9 / 100
            let first = (tick - S.smallTicks) * perTick
            for index in first..<(first + perTick) { remove(freeOrder[index]) }
        case ..<(S.smallTicks + S.freeTicks + S.mediumTicks):
            for _ in 0..<S.mediumPerTick { add(size: random.next(in: S.mediumSizes)) }
        default:
            let medium = S.mediumPerTick * S.mediumTicks
            let perTick = medium / (S.ticks - S.smallTicks - S.freeTicks - S.mediumTicks)
            let first = small + (tick - S.smallTicks - S.freeTicks - S.mediumTicks) * perTick
            for slot in first..<min(first + perTick, small + medium) { remove(slot) }
        }
    }

    private mutating func add(size: Int) {
        let block = allocator.allocate(byteCount: size, holdsPointers: false)
        block.initializeMemory(as: UInt8.self, repeating: UInt8(truncatingIfNeeded: used), count: size)
        slots[used] = (block, size)
        used += 1
        liveBytes += size
    }

    private mutating func remove(_ slot: Int) {
        guard let block = slots[slot].block else { return }
        let size = slots[slot].size
        let stamp = UInt8(truncatingIfNeeded: slot)
        if block.load(as: UInt8.self) != stamp || block.load(fromByteOffset: size - 1, as: UInt8.self) != stamp {
            error = "Fragmentation: a \(size)-byte block does not hold what was written"
        }
        allocator.deallocate(block, byteCount: size)
        slots[slot] = (nil, 0)
        liveBytes -= size
    }

    mutating func freeAll() {
        for slot in 0..<used { remove(slot) }
        allocator.unregisterRoot(slots)
        slots.deallocate()
    }
}
