// GoAlloc: Go's allocator in Swift. The design, and how this part fits in, is the essay at the top of
// Malloc.swift (as Go's malloc.go introduces its runtime allocator).

/// Operations on bitmaps stored as 64-bit words (bit i is bit i % 64 of word i / 64), used by
/// the page allocator (pages) and by spans (objects).
enum Bitmap {
    /// Sets bits [start, start + count).
    static func set(_ words: UnsafeMutablePointer<UInt64>, _ start: Int, _ count: Int) {
        var bit = start
        while let (index, mask) = nextWord(&bit, end: start + count) { words[index] |= mask }
    }

    /// Clears bits [start, start + count).
    static func clear(_ words: UnsafeMutablePointer<UInt64>, _ start: Int, _ count: Int) {
        var bit = start
        while let (index, mask) = nextWord(&bit, end: start + count) { words[index] &= ~mask }
    }

    /// How many of bits [start, start + count) are set.
    static func countSet(_ words: UnsafeMutablePointer<UInt64>, _ start: Int, _ count: Int) -> Int {
        var total = 0
        var bit = start
        while let (index, mask) = nextWord(&bit, end: start + count) { total += (words[index] & mask).nonzeroBitCount }
        return total
    }

    @inline(__always)
    static func isSet(_ words: UnsafeMutablePointer<UInt64>, _ bit: Int) -> Bool {
        words[bit >> 6] & (1 << UInt64(bit & 63)) != 0
    }

    /// The first bit at or after `from` and before `limit` whose value is `value`, or `limit`.
    static func next(_ value: Bool, in words: UnsafeMutablePointer<UInt64>, from: Int, limit: Int) -> Int {
        var bit = from
        while bit < limit {
            let word = value ? words[bit >> 6] : ~words[bit >> 6]
            let shifted = word >> UInt64(bit & 63)
            if shifted != 0 {
                let found = bit + shifted.trailingZeroBitCount
                return found < limit ? found : limit
            }
            bit = (bit | 63) + 1
        }
        return limit
    }

    /// The first run of at least `length` clear bits in [start, limit), or nil.
    static func firstClearRun(_ words: UnsafeMutablePointer<UInt64>, length: Int, start: Int, limit: Int) -> Int? {
        var bit = start
        while bit < limit {
            let runStart = next(false, in: words, from: bit, limit: limit)
            if runStart >= limit { return nil }
            let runEnd = next(true, in: words, from: runStart, limit: limit)
            if runEnd - runStart >= length { return runStart }
            bit = runEnd
        }
        return nil
    }

    /// The next word that bits [bit, end) touch and the mask of those bits in it, advancing `bit`
    /// past them; nil at the end. (A loop helper rather than a closure: nothing here may allocate,
    /// not even in a debug build.)
    @inline(__always)
    private static func nextWord(_ bit: inout Int, end: Int) -> (index: Int, mask: UInt64)? {
        guard bit < end else { return nil }
        let offset = bit & 63
        let take = 64 - offset < end - bit ? 64 - offset : end - bit
        let mask = take == 64 ? ~UInt64(0) : ((UInt64(1) << UInt64(take)) - 1) << UInt64(offset)
        let index = bit >> 6
        bit += take
        return (index, mask)
    }
}
