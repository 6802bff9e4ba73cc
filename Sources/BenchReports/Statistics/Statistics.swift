import BenchKit
import BenchResults
import Foundation

/// Distribution-free statistics over a handful of repetitions.
///
/// Benchmark repetitions are few and rarely normal (process layout can split them into modes),
/// so everything here uses order statistics: medians, not means.
public enum Statistics {
    /// The median; nil for no values.
    public static func median(_ values: [Double]) -> Double? {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return nil }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The median absolute deviation from the median (unscaled).
    public static func medianAbsoluteDeviation(_ values: [Double]) -> Double? {
        guard let center = median(values) else { return nil }
        return median(values.map { abs($0 - center) })
    }

    /// A confidence interval for the median from order statistics: `[x(k), x(n+1-k)]` with the
    /// largest k whose coverage, `1 - 2 P(Binomial(n, 1/2) <= k-1)`, is at least `level`.
    /// Nil when even `[min, max]` covers less than `level` (at 95 %: fewer than 6 values).
    public static func medianConfidenceInterval(_ values: [Double], level: Double = 0.95) -> (lower: Double, upper: Double)? {
        let sorted = values.sorted()
        let n = sorted.count
        guard n > 0 else { return nil }
        var best: Int?
        for k in 1...(n + 1) / 2 where 1 - 2 * binomialCDF(k - 1, n) >= level {
            best = k
        }
        guard let k = best else { return nil }
        return (sorted[k - 1], sorted[n - k])
    }

    /// The half-width of a confidence interval relative to its median, in percent: the larger
    /// side, as `benchstat` prints `± x%`. Nil for a median of 0.
    public static func intervalPercent(median: Double, lower: Double, upper: Double) -> Double? {
        median == 0 ? nil : max(median - lower, upper - median) / abs(median) * 100
    }

    /// P(X <= k) for X ~ Binomial(n, 1/2).
    static func binomialCDF(_ k: Int, _ n: Int) -> Double {
        guard k >= 0 else { return 0 }
        var total = 0.0
        var coefficient = 1.0 // C(n, i)
        for i in 0...min(k, n) {
            if i > 0 { coefficient = coefficient * Double(n - i + 1) / Double(i) }
            total += coefficient
        }
        return total / pow(2, Double(n))
    }

    /// A group of repetitions that agree with each other.
    public struct Mode: Equatable, Sendable {
        public let median: Double
        public let count: Int
    }

    /// Splits values into groups wherever consecutive sorted values differ by more than `gap`
    /// (a ratio): one group for a stable cell, two for a cell that ran at 20 ns in some processes
    /// and 40 ns in others.
    public static func modes(_ values: [Double], gap: Double = 1.10) -> [Mode] {
        let sorted = values.sorted()
        var groups: [[Double]] = []
        for value in sorted {
            if let last = groups.last?.last, last > 0, value / last <= gap {
                groups[groups.count - 1].append(value)
            } else if let last = groups.last?.last, last <= 0, value == last {
                groups[groups.count - 1].append(value)
            } else {
                groups.append([value])
            }
        }
        return groups.map { Mode(median: median($0)!, count: $0.count) }
    }
}
