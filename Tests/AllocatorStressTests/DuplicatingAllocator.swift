import Foundation
@testable import AllocatorStress

/// An allocator with the classic bug: from its `from`-th allocation on, the first request that fits
/// into a block still in use gets that block (the most recently allocated one that fits). Both
/// owners then write into the same memory, which the stress tests must notice. It never really
/// frees the shared block, so the test process survives whatever the tests do with it.
final class DuplicatingAllocator: BlockAllocator, @unchecked Sendable {
    private let lock = NSLock()
    private let from: Int
    private var allocations = 0
    /// Live blocks, with their sizes and when they were allocated.
    private var live: [UnsafeMutableRawPointer: (size: Int, serial: Int)] = [:]
    private(set) var shared: UnsafeMutableRawPointer?

    init(from: Int) {
        self.from = from
    }

    func allocate(byteCount: Int, alignment: Int) -> UnsafeMutableRawPointer {
        lock.lock()
        defer { lock.unlock() }
        allocations += 1
        if shared == nil, allocations >= from,
           let victim = live.filter({ $0.value.size >= byteCount }).max(by: { $0.value.serial < $1.value.serial }) {
            shared = victim.key
            return victim.key
        }
        let block = malloc(byteCount)!
        live[block] = (byteCount, allocations)
        return block
    }

    func deallocate(_ block: UnsafeMutableRawPointer, byteCount: Int, alignment: Int) {
        lock.lock()
        defer { lock.unlock() }
        guard block != shared else { return }
        live[block] = nil
        free(block)
    }
}

/// Collects what a stress test reports.
final class CollectedReports: CorruptionReport, @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [String] = []

    func corrupted(_ message: String) {
        lock.lock()
        defer { lock.unlock() }
        collected.append(message)
    }

    var messages: [String] {
        lock.lock()
        defer { lock.unlock() }
        return collected
    }
}
