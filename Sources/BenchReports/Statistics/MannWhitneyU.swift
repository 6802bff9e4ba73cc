import BenchKit
import BenchResults
import Foundation

/// The Mann-Whitney U test (Wilcoxon rank-sum test), two-sided: could two samples come from the
/// same distribution? It is what `benchstat` uses to say whether a change is real, because it
/// assumes nothing about the shape of the distribution (benchmark times are skewed and can split
/// into modes) and works with a handful of repetitions.
///
/// The p-value is exact when neither sample has more than ``exactLimit`` values: the
/// distribution of the rank sum over every way of splitting the pooled values into two samples
/// is counted, ties included (as Go's `x/perf` does). A normal approximation with tied ranks
/// would call 3 repetitions of 10 against 3 of 20 significant (p = 0.047), where no split of
/// six values can be rarer than 2 in 20. Larger samples use the normal approximation with the
/// tie correction of the variance and a continuity correction, as
/// `scipy.stats.mannwhitneyu(method="asymptotic")` does.
public enum MannWhitneyU {
    /// Samples up to this size get the exact distribution (for 20 and 20 values: 40 ranks x 20
    /// sample sizes x 1,640 rank sums, about a million additions).
    public static let exactLimit = 20

    public struct Result: Equatable, Sendable {
        /// U of the first sample: the number of pairs (x, y) with x > y, ties counting 1/2.
        public let u: Double
        /// Two-sided p-value: twice the probability, if both samples came from one distribution,
        /// of a U at least as far out on the side this one fell (at most 1).
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
        if n1 <= exactLimit, n2 <= exactLimit {
            return Result(u: u, pValue: exactPValue(ranks: ranked.ranks, n1: n1), exact: true)
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

    /// The smallest two-sided p-value samples of these sizes can give: when one sample lies
    /// wholly above the other, 2 of the C(n1 + n2, n1) splits are that extreme.
    public static func smallestPValue(_ n1: Int, _ n2: Int) -> Double {
        var splits = 1.0 // C(n1 + n2, n1), built as a product of ratios
        for i in 1...max(1, min(n1, n2)) where min(n1, n2) > 0 {
            splits = splits * Double(max(n1, n2) + i) / Double(i)
        }
        return min(1, 2 / splits)
    }

    /// `counts[s]`: in how many ways `n1` of the pooled values have doubled rank sum `s` (mid-ranks
    /// of ties are halves; doubled, every sum is an integer). Built value by value: each either
    /// joins the first sample or not.
    static func rankSumDistribution(doubledRanks: [Int], n1: Int) -> [Double] {
        let largest = doubledRanks.reduce(0, +)
        var counts = [[Double]](repeating: [Double](repeating: 0, count: largest + 1), count: n1 + 1)
        counts[0][0] = 1
        for (seen, rank) in doubledRanks.enumerated() {
            for k in stride(from: min(seen + 1, n1), through: 1, by: -1) {
                for sum in stride(from: largest - rank, through: 0, by: -1) where counts[k - 1][sum] > 0 {
                    counts[k][sum + rank] += counts[k - 1][sum]
                }
            }
        }
        return counts[n1]
    }

    /// Exact two-sided p-value of the first `n1` of `ranks` being the first sample.
    static func exactPValue(ranks: [Double], n1: Int) -> Double {
        let doubled = ranks.map { Int(($0 * 2).rounded()) }
        let counts = rankSumDistribution(doubledRanks: doubled, n1: n1)
        let observed = doubled.prefix(n1).reduce(0, +)
        let total = counts.reduce(0, +)
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
