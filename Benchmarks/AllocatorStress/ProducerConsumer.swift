#if canImport(Glibc)
import Glibc
#endif

/// An xmalloc-style producer/consumer test (after Lever and Boreham's xmalloc-test): the threads
/// form a ring; each allocates 64-byte objects, fills them, and posts them in batches of 64 to the
/// next thread, which checks and frees them. Every object is freed by a thread other than the one
/// that allocated it (with one thread, by the same one), the pattern that makes thread caches
/// send memory home. One op is one object allocated and freed.
final class ProducerConsumer<Memory: BlockAllocator>: StressTest, @unchecked Sendable {
    static var objectBytes: Int { 64 }

    let setup: StressSetup<Memory>
    /// Mailbox `i` carries thread `i`'s objects to thread `i + 1`.
    private let mailboxes: [Mailbox<Memory>]
    /// Per thread, a batch being filled and a batch being emptied.
    private let outgoing: UnsafeMutablePointer<UnsafeMutableRawPointer>
    private let incoming: UnsafeMutablePointer<UnsafeMutableRawPointer>

    init(_ setup: StressSetup<Memory>) {
        self.setup = setup
        mailboxes = (0..<setup.threads).map { _ in Mailbox(setup.memory) }
        outgoing = setup.memory.rootSlots(setup.threads * Mailbox<Memory>.batchCapacity)
        incoming = setup.memory.rootSlots(setup.threads * Mailbox<Memory>.batchCapacity)
    }

    deinit {
        setup.memory.releaseRoots(outgoing)
        setup.memory.releaseRoots(incoming)
    }

    /// Word `w` of object `serial` of `producer`: the whole object is the pattern.
    @inline(__always)
    static func word(_ w: Int, producer: Int, serial: Int) -> UInt64 {
        Stamp.tag(producer, serial) &+ UInt64(w)
    }

    func work(thread: Int, round: Int) {
        let producer = (thread + setup.threads - 1) % setup.threads
        let toMake = setup.share(thread), toTake = setup.share(producer)
        let batch = outgoing + thread * Mailbox<Memory>.batchCapacity
        let received = incoming + thread * Mailbox<Memory>.batchCapacity
        let outbox = mailboxes[thread], inbox = mailboxes[producer]
        var made = 0, taken = 0, pending = 0
        while made < toMake || taken < toTake {
            var progress = false
            if pending == 0 && made < toMake {
                pending = min(Mailbox<Memory>.batchCapacity, toMake - made)
                for index in 0..<pending {
                    let object = setup.memory.block(Self.objectBytes, holdsPointers: false)
                    for w in 0..<Self.objectBytes / 8 {
                        object.storeBytes(of: Self.word(w, producer: thread, serial: made + index), toByteOffset: w * 8, as: UInt64.self)
                    }
                    batch[index] = object
                }
            }
            if pending > 0 && outbox.post(batch, count: pending) {
                made += pending
                pending = 0
                progress = true
            }
            let count = inbox.collect(into: received)
            for index in 0..<count {
                consume(received[index], producer: producer, serial: taken + index)
            }
            taken += count
            progress = progress || count > 0
            if !progress { sched_yield() }
        }
    }

    @inline(__always)
    private func consume(_ object: UnsafeMutableRawPointer, producer: Int, serial: Int) {
        for w in 0..<Self.objectBytes / 8
        where object.load(fromByteOffset: w * 8, as: UInt64.self) != Self.word(w, producer: producer, serial: serial) {
            setup.report.corrupted("ProducerConsumer: object \(serial) from thread \(producer), word \(w), is not what was written")
            return
        }
        setup.memory.release(object, Self.objectBytes)
    }

    func finish() {
        if mailboxes.contains(where: { !$0.isEmpty }) {
            setup.report.corrupted("ProducerConsumer: objects were left in a mailbox after every thread finished")
        }
    }
}
