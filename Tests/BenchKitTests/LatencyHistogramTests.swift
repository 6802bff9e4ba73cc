import CBenchKit
import Foundation
import Testing
@testable import BenchKit

/// The latency pass's histogram: its bucket layout (CBenchKit.h) and the percentiles read from it.
@Suite struct LatencyHistogramTests {
    @Test func everyTickCountFallsInTheBucketThatStartsAtOrBelowItAndIsAtMostAThirtySecondWide() {
        let buckets = Int(BENCHCOUNT_LATENCY_BUCKETS)
        for index in 0..<buckets {
            let low = benchcount_latency_bucket_low(UInt32(index))
            #expect(benchcount_latency_bucket(low) == UInt32(index))
            guard index + 1 < buckets else { continue }
            let next = benchcount_latency_bucket_low(UInt32(index + 1))
            #expect(next > low && benchcount_latency_bucket(next - 1) == UInt32(index))
            #expect(next - low <= max(1, low / 32), "bucket \(index): \(low)..<\(next)")
        }
        #expect(benchcount_latency_bucket(UInt64.max) == UInt32(buckets - 1))
    }

    /// Percentiles against the sorted list on random data: at or above the exact value, within one
    /// bucket's width of it.
    @Test func percentilesAreWithinABucketOfTheSortedValues() {
        var random = SystemRandomNumberGenerator()
        // Log-uniform over 1 tick to 10^7 ticks, with a few long outliers, as allocation times look.
        let ticks = (0..<200_000).map { index -> UInt64 in
            index % 10_000 == 0 ? UInt64.random(in: 10_000_000...900_000_000, using: &random)
                : UInt64(pow(10, Double.random(in: 0...7, using: &random)))
        }
        var counts = [UInt64](repeating: 0, count: Int(BENCHCOUNT_LATENCY_BUCKETS))
        for value in ticks { counts[Int(benchcount_latency_bucket(value))] += 1 }
        let rate = 2.5
        let histogram = LatencyHistogram(counts: counts, maxTicks: ticks.max()!, ticksPerNs: rate)
        let sorted = ticks.sorted()
        #expect(histogram.count == UInt64(ticks.count))
        for quantile in [0, 0.1, 0.5, 0.9, 0.99, 0.999, 0.9999, 1] {
            let rank = max(1, Int((quantile * Double(sorted.count)).rounded(.up)))
            let exact = Double(sorted[rank - 1]) / rate
            let read = histogram.value(atQuantile: quantile)!
            #expect(read >= exact - 1e-9 && read <= exact * (1 + 1.0 / 32) + 1 / rate, "p\(quantile * 100): \(read) vs \(exact)")
        }
        #expect(histogram.value(atQuantile: 1) == Double(sorted.last!) / rate, "the top is the longest call itself")
        let mean = Double(ticks.reduce(0, +)) / Double(ticks.count) / rate
        #expect(abs(histogram.meanNs! - mean) <= mean / 32)
    }

    @Test func mergedHistogramsCountBothAndReadAsOne() {
        var first = [UInt64](repeating: 0, count: Int(BENCHCOUNT_LATENCY_BUCKETS))
        var second = first
        for value in 1...1000 as ClosedRange<UInt64> { first[Int(benchcount_latency_bucket(value))] += 1 }
        for value in 1001...3000 as ClosedRange<UInt64> { second[Int(benchcount_latency_bucket(value))] += 1 }
        let merged = LatencyHistogram(counts: first, maxTicks: 1000, ticksPerNs: 1)
            .merged(with: LatencyHistogram(counts: second, maxTicks: 3000, ticksPerNs: 1))
        #expect(merged.count == 3000 && merged.maxNs == 3000)
        let median = merged.value(atQuantile: 0.5)!
        #expect(median >= 1500 && median <= 1500 * (1 + 1.0 / 32))
        #expect(LatencyHistogram().value(atQuantile: 0.5) == nil, "an empty histogram has no percentiles")
    }
}
