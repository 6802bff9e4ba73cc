import Foundation

/// The Mann-Whitney U test (Wilcoxon rank-sum test), two-sided: could two samples come from the
/// same distribution? It is what `benchstat` uses to say whether a change is real, because it
/// assumes nothing about the shape of the distribution (benchmark times are skewed and can split
/// into modes) and works with a handful of repetitions.
///
/// The p-value is exact when neither sample has more than ``exactLimit`` values and there are no
/// ties: the distribution of U is counted, not approximated. Otherwise it uses the normal
/// approximation with the tie correction of the variance and a continuity correction, which is
/// what `scipy.stats.mannwhitneyu` does with `method="asymptotic"`.
public enum MannWhitneyU {
    /// Samples up to this size without ties get the exact distribution (counting U for 20 x 20
    /// values takes 8,000 cells of work at most).
    public static let exactLimit = 20

    public struct Result: Equatable, Sendable {
        /// U of the first sample: the number of pairs (x, y) with x > y, ties counting 1/2.
        public let u: Double
        /// Two-sided p-value: the probability of a U at least this far from its mean if both
        /// samples came from the same distribution.
        public let pValue: Double
        /// Whether ``pValue`` comes from the exact distribution.
        public let exact: Bool
    }

    /// Tests `x` against `y`; nil when either is empty.
    public static func test(_ x: [Double], _ y: [Double]) -> Result? {
        let n1 = x.count, n2 = y.count
        guard n1 > 0, n2 > 0 else { return nil }
        let ranked = ranks(x + y)
        let rankSum = ranked.ranks.prefix(n1).reduce(0, +)
        let u = rankSum - Double(n1 * (n1 + 1)) / 2
        if ranked.tieGroups.isEmpty, n1 <= exactLimit, n2 <= exactLimit {
            return Result(u: u, pValue: exactPValue(u: u, n1, n2), exact: true)
        }
        return Result(u: u, pValue: normalPValue(u: u, n1, n2, tieGroups: ranked.tieGroups), exact: false)
    }

    /// Mid-ranks (1-based; tied values share the mean of their ranks) and the sizes of the groups
    /// of tied values.
    static func ranks(_ values: [Double]) -> (ranks: [Double], tieGroups: [Int]) {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var tieGroups: [Int] = []
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count, values[order[end + 1]] == values[order[start]] { end += 1 }
            let rank = Double(start + end) / 2 + 1
            for position in start...end { ranks[order[position]] = rank }
            if end > start { tieGroups.append(end - start + 1) }
            start = end + 1
        }
        return (ranks, tieGroups)
    }

    /// `counts[u]`: in how many of the C(n1 + n2, n1) orderings of two tie-free samples the first
    /// one's U is u. Built with the recurrence f(m, n, u) = f(m - 1, n, u - n) + f(m, n - 1, u)
    /// (the largest value belongs to the first sample or to the second), one n at a time.
    static func exactDistribution(_ n1: Int, _ n2: Int) -> [Double] {
        precondition(n1 > 0 && n2 > 0)
        // table[m][u] holds f(m, n, u) for the current n; f(0, n, 0) = f(m, 0, 0) = 1.
        var table = [[Double]](repeating: [1], count: n1 + 1)
        for n in 1...n2 {
            var next: [[Double]] = [[1]]
            for m in 1...n1 {
                var row = [Double](repeating: 0, count: m * n + 1)
                for (u, count) in table[m].enumerated() { row[u] += count } // largest value in the second sample
                for (u, count) in next[m - 1].enumerated() { row[u + n] += count } // in the first sample
                next.append(row)
            }
            table = next
        }
        return table[n1]
    }

    /// The smallest two-sided p-value samples of these sizes can give: when one sample lies
    /// wholly above the other, 2 of the C(n1 + n2, n1) orderings are that extreme.
    public static func smallestPValue(_ n1: Int, _ n2: Int) -> Double {
        var orderings = 1.0 // C(n1 + n2, n1), built as a product of ratios
        for i in 1...max(1, min(n1, n2)) where min(n1, n2) > 0 {
            orderings = orderings * Double(max(n1, n2) + i) / Double(i)
        }
        return min(1, 2 / orderings)
    }

    static func exactPValue(u: Double, _ n1: Int, _ n2: Int) -> Double {
        let counts = exactDistribution(n1, n2)
        let total = counts.reduce(0, +)
        let observed = Int(u.rounded())
        let lower = counts[...observed].reduce(0, +) / total
        let upper = counts[observed...].reduce(0, +) / total
        return min(1, 2 * min(lower, upper))
    }

    static func normalPValue(u: Double, _ n1: Int, _ n2: Int, tieGroups: [Int]) -> Double {
        let n = Double(n1 + n2)
        let mean = Double(n1 * n2) / 2
        let tieTerm = tieGroups.reduce(0.0) { $0 + Double($1 * $1 * $1 - $1) } / (n * (n - 1))
        let variance = Double(n1 * n2) / 12 * ((n + 1) - tieTerm)
        guard variance > 0 else { return 1 } // every value tied: no evidence of any difference
        let z = (abs(u - mean) - 0.5) / variance.squareRoot()
        return min(1, erfc(z / 2.0.squareRoot()))
    }
}
