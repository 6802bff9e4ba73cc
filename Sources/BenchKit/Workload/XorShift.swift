/// Marsaglia's xorshift64: a seeded random sequence for workloads, the same on every allocator,
/// with no allocation and no lock (so a workload can call it between allocations it measures).
///
///     var random = XorShift(seed: 42)
///     let slot = Int(random.next() % 1000)
public struct XorShift: Sendable {
    private var state: UInt64

    /// `seed` must not be 0 (the sequence would stay at 0); 0 is replaced by a fixed odd constant.
    public init(seed: UInt64) {
        state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed
    }

    public mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }

    /// A value in `0..<bound` (`bound` > 0), with the slight bias of a modulo, which does not matter here.
    public mutating func next(below bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }

    /// A value in `range`, with the same slight bias.
    public mutating func next(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + next(below: range.upperBound - range.lowerBound + 1)
    }

    /// A value in `0..<1` with 53 random bits.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) / Double(1 << 53)
    }
}
