/// A block's identity, written into its first and last aligned 8 bytes when it is allocated and
/// checked before it is freed. It catches the ways a broken allocator corrupts data: a block
/// handed out twice (the second owner's stamp replaces the first's), blocks that overlap (a
/// neighbour's stamp lands in the tail), and allocator metadata such as a free-list link written
/// into a live block (its first word).
enum Stamp {
    /// A tag that no other block of the run has: the thread (or set) and a serial number, mixed so
    /// that neighbouring tags differ in many bits.
    @inline(__always)
    static func tag(_ owner: Int, _ serial: Int) -> UInt64 {
        (UInt64(truncatingIfNeeded: owner) << 40 ^ UInt64(truncatingIfNeeded: serial)) &* 0x9E37_79B9_7F4A_7C15 | 1
    }

    /// The offset of the tail word: the last 8-byte-aligned word, which for blocks under 16 bytes is
    /// the head word itself (so the two never overlap partially).
    @inline(__always)
    static func tailOffset(_ size: Int) -> Int {
        (size - 8) & ~7
    }

    /// The page size that page stamps assume.
    static let page = 4096

    /// Stamps a block of at least 8 bytes. With `everyPage`, also writes `tag + n` into the first
    /// word of every page `n` that starts before the tail word, so that a large block's pages are
    /// really used, and checked.
    @inline(__always)
    static func write(_ block: UnsafeMutableRawPointer, size: Int, tag: UInt64, everyPage: Bool = false) {
        block.storeBytes(of: tag, as: UInt64.self)
        if everyPage {
            for page in 1..<stampedPages(size) {
                block.storeBytes(of: tag &+ UInt64(page), toByteOffset: page * Self.page, as: UInt64.self)
            }
        }
        block.storeBytes(of: tag, toByteOffset: tailOffset(size), as: UInt64.self)
    }

    /// Whether the block still carries what ``write(_:size:tag:everyPage:)`` wrote.
    @inline(__always)
    static func check(_ block: UnsafeMutableRawPointer, size: Int, tag: UInt64, everyPage: Bool = false) -> Bool {
        damage(block, size: size, tag: tag, everyPage: everyPage) == nil
    }

    /// The first stamped word that does not hold what was written: its offset, what it holds, and
    /// what it should; nil for an intact block.
    @inline(__always)
    static func damage(_ block: UnsafeMutableRawPointer, size: Int, tag: UInt64, everyPage: Bool = false)
        -> (offset: Int, found: UInt64, expected: UInt64)? {
        func word(_ offset: Int, _ expected: UInt64) -> (offset: Int, found: UInt64, expected: UInt64)? {
            let found = block.load(fromByteOffset: offset, as: UInt64.self)
            return found == expected ? nil : (offset, found, expected)
        }
        if let broken = word(0, tag) ?? word(tailOffset(size), tag) { return broken }
        if everyPage {
            for page in 1..<stampedPages(size) {
                if let broken = word(page * Self.page, tag &+ UInt64(page)) { return broken }
            }
        }
        return nil
    }

    /// The pages that start before the tail word: a page stamp never shares a word with the tail.
    @inline(__always)
    static func stampedPages(_ size: Int) -> Int {
        max(1, (tailOffset(size) + page - 1) / page)
    }
}
