import Testing
@testable import GoAlloc

/// The page allocator's chunk summaries, computed a word at a time, against the same three numbers
/// counted page by page.
@Suite struct ChunkSummaryTests {
    /// Page by page: the free run at the start, the longest, the one that reaches the end.
    func expected(_ words: [UInt64]) -> (start: Int, max: Int, end: Int) {
        let pages = words.count * 64
        func inUse(_ page: Int) -> Bool { words[page / 64] >> UInt64(page % 64) & 1 == 1 }
        var start = 0
        while start < pages && !inUse(start) { start += 1 }
        var longest = 0, run = 0
        for page in 0..<pages {
            run = inUse(page) ? 0 : run + 1
            longest = max(longest, run)
        }
        return (start, longest, run)
    }

    func summary(_ words: [UInt64]) -> HeapArena.ChunkSummary {
        var copy = words
        return copy.withUnsafeMutableBufferPointer { HeapArena.ChunkSummary(summarizing: $0.baseAddress!) }
    }

    func check(_ words: [UInt64], _ comment: Comment? = nil) {
        let found = summary(words), wanted = expected(words)
        #expect(Int(found.start) == wanted.start && Int(found.max) == wanted.max && Int(found.end) == wanted.end,
                "\(comment ?? "") words \(words.map { String($0, radix: 16) }): \(found) != \(wanted)")
    }

    @Test func edgeCases() {
        let words = HeapArena.chunkPages / 64
        check(Array(repeating: 0, count: words), "all free")
        check(Array(repeating: ~0, count: words), "all in use")
        check([1] + Array(repeating: 0, count: words - 1), "first page in use")
        check(Array(repeating: 0, count: words - 1) + [1 << 63], "last page in use")
        check(Array(repeating: ~0, count: words - 1) + [~(1 << 63)], "only the last page free")
        check([0x8000_0000_0000_0001] + Array(repeating: ~0, count: words - 1), "a run inside one word")
        check([~0, 0, 0, ~0] + Array(repeating: 0, count: words - 4), "a run across words, then the end run")
    }

    /// Random bitmaps of every density, runs of pages in use as spans leave them.
    @Test func randomBitmapsAgreeWithThePageByPageCount() {
        var generator = SystemRandomNumberGenerator()
        for density in [0.01, 0.1, 0.5, 0.9, 0.99] {
            for _ in 0..<500 {
                var bits = [UInt64](repeating: 0, count: HeapArena.chunkPages / 64)
                var page = 0
                while page < HeapArena.chunkPages {
                    let length = Int.random(in: 1...40, using: &generator)
                    if Double.random(in: 0..<1, using: &generator) < density {
                        for p in page..<min(page + length, HeapArena.chunkPages) { bits[p / 64] |= 1 << UInt64(p % 64) }
                    }
                    page += length
                }
                check(bits, "density \(density)")
            }
        }
    }
}
