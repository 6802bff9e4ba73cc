#if canImport(Glibc)
import Glibc
#endif

/// A bounded first-in first-out queue of batches of block pointers between two threads, under a
/// mutex. Nothing in it allocates after `init`. Neither side ever waits inside it: a full or empty
/// mailbox just says so, and the caller does something else. Its slots are a root of `Memory`,
/// as blocks in transit are referenced from nowhere else.
final class Mailbox<Memory: BlockAllocator>: @unchecked Sendable {
    static var batchCapacity: Int { 64 }
    static var batches: Int { 8 }

    private let memory: Memory
    private let lock: UnsafeMutablePointer<pthread_mutex_t>
    /// `batches` slots of `batchCapacity` pointers each, and how many each holds.
    private let slots: UnsafeMutablePointer<UnsafeMutableRawPointer>
    private let counts: UnsafeMutablePointer<Int>
    private var head = 0
    private var filled = 0

    init(_ memory: Memory) {
        self.memory = memory
        lock = .allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
        slots = memory.rootSlots(Self.batches * Self.batchCapacity)
        counts = .allocate(capacity: Self.batches)
    }

    deinit {
        pthread_mutex_destroy(lock)
        lock.deallocate()
        memory.releaseRoots(slots)
        counts.deallocate()
    }

    /// Whether nothing is waiting in the mailbox.
    var isEmpty: Bool {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return filled == 0
    }

    /// Copies `count` pointers in as one batch; false when the mailbox is full.
    func post(_ batch: UnsafeMutablePointer<UnsafeMutableRawPointer>, count: Int) -> Bool {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        guard filled < Self.batches else { return false }
        let slot = (head + filled) % Self.batches
        (slots + slot * Self.batchCapacity).update(from: batch, count: count)
        counts[slot] = count
        filled += 1
        return true
    }

    /// Copies the oldest batch out and returns its size; 0 when the mailbox is empty.
    func collect(into batch: UnsafeMutablePointer<UnsafeMutableRawPointer>) -> Int {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        guard filled > 0 else { return 0 }
        let count = counts[head]
        batch.update(from: slots + head * Self.batchCapacity, count: count)
        head = (head + 1) % Self.batches
        filled -= 1
        return count
    }
}
