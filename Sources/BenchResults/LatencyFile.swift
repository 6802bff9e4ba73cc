import BenchKit
import Foundation

/// A cell's allocation latencies in the run folder (`latency/`, with `--latency`): for each
/// repetition the histograms as JSON (`<cell>-r<rep>.json`, what the report draws and merges) and,
/// for each kind of call, HdrHistogram's percentile distribution text (`<cell>-r<rep>-alloc.hgrm`,
/// `-free.hgrm`), which HdrHistogram's plotter and its ports read. Values are nanoseconds. With
/// `--trace`, a go or go-gc cell's latency pass leaves its runtime trace beside them
/// (`<cell>-r<rep>-trace.json`), to set the slowest calls beside the collector's pauses.
public enum LatencyFile {
    /// `<cell>-r<rep>`: the name every file of one repetition starts with.
    public static func baseName(_ cell: CellKey, rep: Int) -> String { "\(cell.fileName)-r\(rep)" }

    static let histogramEnding = ".json"
    static let traceSuffix = "-trace"

    public static func jsonName(_ cell: CellKey, rep: Int) -> String { baseName(cell, rep: rep) + histogramEnding }

    /// The latency pass's runtime trace (Chrome trace-event JSON, like `traces/`).
    public static func traceName(_ cell: CellKey, rep: Int) -> String { baseName(cell, rep: rep) + traceSuffix + histogramEnding }

    /// The percentile-distribution file of one kind of call (`alloc`, `free`).
    public static func distributionName(_ cell: CellKey, rep: Int, kind: String) -> String {
        baseName(cell, rep: rep) + "-\(kind).hgrm"
    }

    public static func json(_ latency: AllocationLatency) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(latency)) ?? Data(), as: UTF8.self) + "\n"
    }

    public static func parse(_ text: String) throws -> AllocationLatency {
        try JSONDecoder().decode(AllocationLatency.self, from: Data(text.utf8))
    }

    /// HdrHistogram's "percentile distribution" text: a line per reporting point (value,
    /// percentile as a fraction, calls at or below, 1/(1-percentile)), at 5 points per halving of
    /// the distance to 100% as HdrHistogram prints by default, then the mean, max and count. The
    /// buckets line gives this histogram's layout (32 sub-buckets per power of two).
    public static func percentileDistribution(_ histogram: LatencyHistogram) -> String {
        var text = pad("Value", 12) + " " + pad("Percentile", 14) + " " + pad("TotalCount", 10) + " "
            + pad("1/(1-Percentile)", 14) + "\n\n"
        let total = histogram.count
        var seen: UInt64 = 0
        var percentile = 0.0
        for bucket in histogram.buckets {
            seen += bucket.count
            let reached = Double(seen) / Double(total)
            // Each reporting point the bucket reaches, with the bucket's top; points finer than one
            // call are left to the last line.
            while percentile <= reached, (1 - percentile) * Double(total) >= 1 {
                text += line(min(bucket.highNs, histogram.maxNs), percentile: percentile, count: seen)
                percentile = nextReportingPoint(after: percentile)
            }
        }
        if total > 0 { text += line(histogram.maxNs, percentile: 1, count: total) }
        let mean = histogram.meanNs ?? 0
        let variance = histogram.buckets.reduce(0.0) { sum, bucket in
            let middle = min((bucket.lowNs + bucket.highNs) / 2, histogram.maxNs)
            return sum + Double(bucket.count) * (middle - mean) * (middle - mean)
        } / Double(max(total, 1))
        text += "#[Mean    = \(fixed(mean, 12)), StdDeviation   = \(fixed(variance.squareRoot(), 12))]\n"
        text += "#[Max     = \(fixed(histogram.maxNs, 12)), Total count    = \(pad(String(total), 12))]\n"
        text += "#[Buckets = \(pad(String(LatencyHistogram.bucketGroups), 12)), "
            + "SubBuckets     = \(pad(String(LatencyHistogram.subBuckets), 12))]\n"
        return text
    }

    /// HdrHistogram's reporting points: 5 per halving of the distance to 100% (0, 10, 20, ...,
    /// 50, 55, 60, ..., 75, 77.5, ...).
    static func nextReportingPoint(after percentile: Double) -> Double {
        let halvings = log2(1 / (1 - percentile)).rounded(.down)
        return percentile + 1 / (5 * pow(2, halvings + 1))
    }

    private static func line(_ value: Double, percentile: Double, count: UInt64) -> String {
        let inverse = percentile < 1 ? " " + pad(String(format: "%.2f", 1 / (1 - percentile)), 14) : ""
        return "\(fixed(value, 12)) \(String(format: "%.12f", percentile)) \(pad(String(count), 10))\(inverse)\n"
    }

    private static func fixed(_ value: Double, _ width: Int) -> String { pad(String(format: "%.3f", value), width) }

    private static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
