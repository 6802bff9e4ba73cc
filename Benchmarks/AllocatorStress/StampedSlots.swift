/// Numbered slots of live, stamped blocks: the state of the tests that keep a population of blocks
/// and replace them one at a time. A block that lost its stamp is reported (with `describe`) and
/// left alone. The owner calls ``deallocate()`` when it is done with the slots.
struct StampedSlots<Memory: BlockAllocator>: @unchecked Sendable {
    let count: Int
    private let setup: StressSetup<Memory>
    /// Whether blocks get a stamp on every page (see ``Stamp/write(_:size:tag:everyPage:)``).
    private let everyPage: Bool
    /// What to say about a corrupted block: from its slot and size.
    private let describe: @Sendable (_ slot: Int, _ size: Int) -> String
    private let blocks: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    private let sizes: UnsafeMutablePointer<Int>
    private let tags: UnsafeMutablePointer<UInt64>

    /// `count` empty slots.
    init(_ setup: StressSetup<Memory>, count: Int, everyPage: Bool = false,
         describe: @escaping @Sendable (_ slot: Int, _ size: Int) -> String) {
        self.setup = setup
        self.count = count
        self.everyPage = everyPage
        self.describe = describe
        blocks = setup.memory.rootSlots(count)
        blocks.initialize(repeating: nil, count: count)
        sizes = .allocate(capacity: count)
        sizes.initialize(repeating: 0, count: count)
        tags = .allocate(capacity: count)
        tags.initialize(repeating: 0, count: count)
    }

    func deallocate() {
        setup.memory.releaseRoots(blocks)
        sizes.deallocate()
        tags.deallocate()
    }

    /// Allocates a block of `size` bytes (at least 8) into the empty `slot` and stamps it with `tag`.
    @inline(__always)
    func fill(_ slot: Int, size: Int, tag: UInt64) {
        let block = setup.memory.block(size, holdsPointers: false)
        Stamp.write(block, size: size, tag: tag, everyPage: everyPage)
        blocks[slot] = block
        sizes[slot] = size
        tags[slot] = tag
    }

    /// Checks and frees the block in `slot`, leaving the slot empty.
    @inline(__always)
    func empty(_ slot: Int) {
        guard let block = blocks[slot] else { return }
        blocks[slot] = nil
        if let damage = Stamp.damage(block, size: sizes[slot], tag: tags[slot], everyPage: everyPage) {
            setup.report.corrupted(describe(slot, sizes[slot]) + " (the word at offset \(damage.offset) holds 0x"
                + String(damage.found, radix: 16) + ", not 0x" + String(damage.expected, radix: 16) + ")")
            return
        }
        setup.memory.release(block, sizes[slot])
    }

    /// Frees the block in `slot` and allocates a new one there: the op of a replacement test.
    @inline(__always)
    func replace(_ slot: Int, size: Int, tag: UInt64) {
        empty(slot)
        fill(slot, size: size, tag: tag)
    }

    /// Checks and frees every block.
    func emptyAll() {
        for slot in 0..<count { empty(slot) }
    }
}
