import BenchKit
import BenchResults
import Foundation

/// Maps data values onto pixels along one axis, and chooses the round values its ticks show.
///
/// Linear scales tick at 1, 2 or 5 times a power of ten and always start and end on a tick.
/// Log scales tick at powers of their base (with 2x and 5x in between when a base-10 scale
/// spans two decades or fewer); a chart uses one when its values span decades (an empty loop
/// at 10⁻⁸ ns/op and a 40 ns allocation on one axis), where a linear axis would flatten all
/// but the largest bar.
struct Scale {
    enum Kind: Equatable {
        case linear
        case log(base: Double)
    }

    let kind: Kind
    let lower: Double
    let upper: Double
    let ticks: [Double]
    /// The pixels of ``lower`` and ``upper`` (the end may be smaller than the start: y axes grow upwards).
    var start: Double = 0
    var end: Double = 1

    /// A chart's values span "decades" when the largest positive value is at least this many
    /// times the smallest: from 10x on, a linear axis leaves the smallest bars a few pixels
    /// long (8 ns next to 460 ns), while a log axis keeps every bar readable.
    static let logThreshold = 10.0

    /// A linear scale from the values' minimum to their maximum, widened to round ticks.
    static func linear(covering values: [Double], tickCount: Int = 6) -> Scale {
        // Reading the files refuses infinities; a span too wide for Double gets the unit axis
        // rather than an axis of endless ticks.
        let values = values.filter(\.isFinite)
        guard let minimum = values.min(), let maximum = values.max(), (maximum - minimum).isFinite else {
            return linear(covering: [0, 1], tickCount: tickCount)
        }
        var low = minimum, high = maximum
        if low == high {
            if low == 0 { high = 1 } else { low = min(0, low); high = max(0, high) }
        }
        let step = niceStep((high - low) / Double(max(1, tickCount - 1)))
        let first = (low / step).rounded(.down), last = (high / step).rounded(.up)
        let ticks = stride(from: first, through: last, by: 1).map { clean($0 * step) }
        return Scale(kind: .linear, lower: ticks.first!, upper: ticks.last!, ticks: ticks)
    }

    /// A linear scale for whole numbers (ticks of a time series): ticks on integers only.
    static func integers(covering values: [Int], tickCount: Int = 6) -> Scale {
        let low = values.min() ?? 0, high = max(values.max() ?? 1, low + 1)
        let step = max(1, Int(niceStep(Double(high - low) / Double(max(1, tickCount - 1))).rounded(.up)))
        let first = low / step * step, last = (high + step - 1) / step * step
        let ticks = stride(from: first, through: last, by: step).map(Double.init)
        return Scale(kind: .linear, lower: ticks.first!, upper: ticks.last!, ticks: ticks)
    }

    /// A log scale from the power of `base` at or below the smallest positive value to the one at
    /// or above the largest.
    static func log(covering values: [Double], base: Double = 10) -> Scale {
        let positive = values.filter { $0 > 0 && $0.isFinite }
        let exponent = { (value: Double) in Foundation.log(value) / Foundation.log(base) }
        let low = (exponent(positive.min() ?? 1) + 1e-9).rounded(.down)
        var high = (exponent(positive.max() ?? base) - 1e-9).rounded(.up)
        if high <= low { high = low + 1 }
        var ticks = stride(from: low, through: high, by: 1).map { clean(pow(base, $0)) }
        if base == 10, high - low <= 2 {
            ticks = ticks.dropLast().flatMap { [$0, clean($0 * 2), clean($0 * 5)] } + [ticks.last!]
        }
        return Scale(kind: .log(base: base), lower: pow(base, low), upper: pow(base, high), ticks: ticks)
    }

    /// Log when the positive values span decades (see ``logThreshold``), linear from
    /// `origin` (0 for bars, 1 for ratios) otherwise.
    static func automatic(covering values: [Double], origin: Double) -> Scale {
        let positive = values.filter { $0 > 0 }
        if let low = positive.min(), let high = positive.max(), high / low >= logThreshold {
            return log(covering: positive)
        }
        return linear(covering: values + [origin])
    }

    /// The pixel of `value`; values outside the domain (and non-positive ones on a log scale)
    /// are clamped to its ends.
    func position(_ value: Double) -> Double {
        let fraction: Double
        switch kind {
        case .linear:
            fraction = (value - lower) / (upper - lower)
        case .log:
            let clamped = max(value, lower)
            fraction = Foundation.log(clamped / lower) / Foundation.log(upper / lower)
        }
        return start + min(1, max(0, fraction)) * (end - start)
    }

    /// The scale with its domain drawn between these pixels.
    func placed(from start: Double, to end: Double) -> Scale {
        var scale = self
        scale.start = start
        scale.end = end
        return scale
    }

    var isLog: Bool { kind != .linear }

    /// The domain widened by `fraction` of it on each side (a factor of the base on a log scale),
    /// ticks unchanged: points at the first and last tick then stand clear of the axes.
    func padded(by fraction: Double) -> Scale {
        switch kind {
        case .linear:
            let margin = (upper - lower) * fraction
            return Scale(kind: kind, lower: lower - margin, upper: upper + margin, ticks: ticks, start: start, end: end)
        case .log:
            let factor = pow(upper / lower, fraction)
            return Scale(kind: kind, lower: lower / factor, upper: upper * factor, ticks: ticks, start: start, end: end)
        }
    }

    /// The same mapping, ticking at `ticks` instead (the thread counts that were run, say).
    func ticking(at ticks: [Double]) -> Scale {
        Scale(kind: kind, lower: lower, upper: upper, ticks: ticks, start: start, end: end)
    }

    /// 1, 2 or 5 times a power of ten, at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let residual = raw / magnitude
        let factor: Double = residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 5 ? 5 : 10
        return factor * magnitude
    }

    /// Drops floating-point dust (0.30000000000000004 becomes 0.3).
    static func clean(_ value: Double) -> Double {
        Double(String(format: "%.12g", value)) ?? value
    }
}
