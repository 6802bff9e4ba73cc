import Foundation
@testable import GoAlloc

/// A small, fast, seeded generator (SplitMix64), so random workloads are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A live block in a test, with the pattern written into it.
struct Block {
    let pointer: UnsafeMutableRawPointer
    let size: Int
    let alignment: Int
    let tag: UInt64

    /// Fills the block with a pattern derived from its tag (every byte, so any overlap or
    /// corruption shows up when the block is checked).
    func fill() {
        let bytes = pointer.assumingMemoryBound(to: UInt8.self)
        for offset in 0..<size { bytes[offset] = Self.byte(tag, offset) }
    }

    /// The offset of the first byte that no longer holds the pattern, or nil.
    func firstCorruptByte() -> Int? {
        let bytes = pointer.assumingMemoryBound(to: UInt8.self)
        return (0..<size).first { bytes[$0] != Self.byte(tag, $0) }
    }

    static func byte(_ tag: UInt64, _ offset: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: tag &* 0x9E37_79B9 &+ UInt64(offset) &* 31 &+ (UInt64(offset) >> 8))
    }
}

/// The live blocks of a test, by address, to catch two live blocks that overlap.
struct ShadowHeap {
    private(set) var blocks: [UInt: Block] = [:]
    private var starts: [UInt] = [] // sorted

    /// Records a new block; returns the block it overlaps, if any.
    mutating func insert(_ block: Block) -> Block? {
        let start = UInt(bitPattern: block.pointer)
        let index = insertionIndex(start)
        if index > 0, let previous = blocks[starts[index - 1]],
           UInt(bitPattern: previous.pointer) + UInt(max(previous.size, 1)) > start { return previous }
        if index < starts.count, let following = blocks[starts[index]], start + UInt(max(block.size, 1)) > starts[index] {
            return following
        }
        starts.insert(start, at: index)
        blocks[start] = block
        return nil
    }

    mutating func remove(_ block: Block) {
        let start = UInt(bitPattern: block.pointer)
        blocks[start] = nil
        starts.remove(at: insertionIndex(start))
    }

    private func insertionIndex(_ start: UInt) -> Int {
        var low = 0, high = starts.count
        while low < high {
            let middle = (low + high) / 2
            if starts[middle] < start { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

/// Resident memory of this process in bytes (/proc/self/statm).
func residentBytes() -> Int {
    let statm = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? ""
    let pages = statm.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// Runs `body` on a new pthread and waits for it to exit (its cache is released on exit).
func onNewThread(_ body: @escaping @Sendable () -> Void) {
    final class Box: @unchecked Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    var thread = pthread_t()
    let box = Unmanaged.passRetained(Box(body)).toOpaque()
    pthread_create(&thread, nil, { context in
        let box = Unmanaged<Box>.fromOpaque(context!).takeRetainedValue()
        box.body()
        return nil
    }, box)
    pthread_join(thread, nil)
}

/// Go's MemStats invariants, as a list of the ones that fail (empty when all hold).
func violatedInvariants(_ s: MemStats) -> [String] {
    var failed: [String] = []
    if s.sys != s.heapSys + s.stackSys + s.mSpanSys + s.mCacheSys + s.buckHashSys + s.gcSys + s.otherSys {
        failed.append("Sys = sum of *Sys")
    }
    if s.heapSys != s.heapIdle + s.heapInuse { failed.append("HeapSys = HeapIdle + HeapInuse") }
    if s.heapReleased > s.heapIdle { failed.append("HeapReleased <= HeapIdle") }
    if s.heapAlloc > s.heapInuse { failed.append("HeapAlloc <= HeapInuse") }
    if s.heapObjects != s.mallocs - s.frees { failed.append("HeapObjects = Mallocs - Frees") }
    if s.alloc != s.heapAlloc { failed.append("Alloc = HeapAlloc") }
    if s.stackSys < s.stackInuse { failed.append("StackSys >= StackInuse") }
    if s.mSpanInuse > s.mSpanSys || s.mCacheInuse > s.mCacheSys { failed.append("*Inuse <= *Sys") }
    if s.bySize.count != 61 { failed.append("BySize has 61 entries") }
    return failed
}
