/// Chooses b.N the way Go's `testing` package does (Go 1.19, `B.launch`).
///
/// The first run uses N = 1. Each later N is predicted from the previous run so that the next
/// run takes about the bench time: `goal * prevN / prevNs`, plus 20 %, at most 100 times the
/// previous N, at least one more than it, and at most 1e9. Runs stop once one takes at least
/// the bench time (or N reaches 1e9); the last run is the one reported.
public enum IterationPlanner {
    /// The most iterations Go will run.
    public static let maxIterations = 1_000_000_000

    /// The next N after a run of `previousN` iterations that took `previousNs` nanoseconds,
    /// or nil when that run already met the goal and no more runs are needed.
    public static func nextN(goalNs: Int64, previousN: Int, previousNs: Int64) -> Int? {
        guard previousNs < goalNs, previousN < maxIterations else { return nil }
        let elapsed = max(previousNs, 1)
        // Multiply first, then divide (as Go does): for fast bodies prevN ~ prevNs and dividing
        // first would hide an order of magnitude. Saturate instead of overflowing.
        let (product, overflow) = goalNs.multipliedReportingOverflow(by: Int64(previousN))
        // Capping far above 1e9 first keeps the arithmetic below from overflowing; the result is unchanged.
        var n = min(overflow ? Int64.max : product / elapsed, Int64(maxIterations) * 100)
        n += n / 5
        n = min(n, 100 * Int64(previousN))
        n = max(n, Int64(previousN) + 1)
        n = min(n, Int64(maxIterations))
        return Int(n)
    }
}
