#if canImport(Glibc)
import Glibc
#endif
import CBenchKit

/// How long single calls took, as a histogram in nanoseconds (`bench run --latency`).
///
/// The buckets are the latency pass's (CBenchKit.h): log-linear in the clock's ticks, each at most
/// 1/32 (3.1%) as wide as the values it holds, so a percentile read from them is within that of
/// the exact one, and at or above it. Only buckets that counted something are kept.
public struct LatencyHistogram: Codable, Equatable, Sendable {
    /// The calls whose time fell in `[lowNs, highNs]`.
    public struct Bucket: Codable, Equatable, Sendable {
        public var lowNs: Double
        public var highNs: Double
        public var count: UInt64

        public init(lowNs: Double, highNs: Double, count: UInt64) {
            self.lowNs = lowNs
            self.highNs = highNs
            self.count = count
        }
    }

    /// The bucket layout: groups of this many buckets...
    public static let subBuckets = Int(BENCHCOUNT_LATENCY_SUB_BUCKETS)
    /// ...this many of them (the first two a tick per bucket, then one per power of two).
    public static let bucketGroups = Int(BENCHCOUNT_LATENCY_BUCKETS) / subBuckets
    /// The buckets of the tick scale (the latency pass's histograms have this many counts).
    public static let bucketCount = Int(BENCHCOUNT_LATENCY_BUCKETS)

    /// In ascending order of `lowNs`.
    public private(set) var buckets: [Bucket]
    /// The longest call, exactly as the clock read it.
    public private(set) var maxNs: Double

    public init(buckets: [Bucket] = [], maxNs: Double = 0) {
        self.buckets = buckets.filter { $0.count > 0 }.sorted { $0.lowNs < $1.lowNs }
        self.maxNs = maxNs
    }

    /// A histogram of the latency pass: `counts[i]` calls in bucket `i` of the tick scale, the
    /// longest `maxTicks`, with the clock's `ticksPerNs`.
    public init(counts: some Collection<UInt64>, maxTicks: UInt64, ticksPerNs: Double) {
        precondition(ticksPerNs > 0, "a clock without a rate")
        var buckets: [Bucket] = []
        for (index, count) in counts.enumerated() where count > 0 {
            let low = benchcount_latency_bucket_low(UInt32(index))
            let high = index + 1 < Int(BENCHCOUNT_LATENCY_BUCKETS)
                ? benchcount_latency_bucket_low(UInt32(index + 1)) - 1 : UInt64.max
            buckets.append(Bucket(lowNs: Double(low) / ticksPerNs, highNs: Double(high) / ticksPerNs, count: count))
        }
        self.init(buckets: buckets, maxNs: Double(maxTicks) / ticksPerNs)
    }

    /// Calls counted.
    public var count: UInt64 { buckets.reduce(0) { $0 + $1.count } }

    /// The time within which a fraction `quantile` (0...1) of the calls finished: the top of the
    /// bucket that holds the call of that rank (HdrHistogram's "highest equivalent value"), never
    /// above the longest call. Nil when nothing was counted.
    public func value(atQuantile quantile: Double) -> Double? {
        let total = count
        guard total > 0 else { return nil }
        let rank = max(1, UInt64((min(max(quantile, 0), 1) * Double(total)).rounded(.up)))
        var seen: UInt64 = 0
        for bucket in buckets {
            seen += bucket.count
            if seen >= rank { return min(bucket.highNs, maxNs) }
        }
        return maxNs
    }

    /// The mean, taking each call at its bucket's middle.
    public var meanNs: Double? {
        let total = count
        guard total > 0 else { return nil }
        return buckets.reduce(0) { $0 + Double($1.count) * min(($1.lowNs + $1.highNs) / 2, maxNs) } / Double(total)
    }

    /// Both histograms' calls, as from one process (repetitions of a cell merged).
    public func merged(with other: LatencyHistogram) -> LatencyHistogram {
        LatencyHistogram(buckets: buckets + other.buckets, maxNs: max(maxNs, other.maxNs))
    }
}

/// The latency pass's histograms of one run: calls that returned a block, and calls that released one.
public struct AllocationLatency: Codable, Equatable, Sendable {
    /// malloc, calloc, realloc, the aligned family, jemalloc's mallocx and rallocx, go-gc's and Boehm's collected heaps.
    public var alloc: LatencyHistogram
    /// free, jemalloc's sdallocx and dallocx.
    public var free: LatencyHistogram
    /// The clock's rate over the worker's life, ticks per nanosecond.
    public var ticksPerNs: Double
    /// What an empty timed region reads (the median of 4096): the clock's own share of every
    /// value, which the histograms keep in.
    public var emptyRegionNs: Double

    public init(alloc: LatencyHistogram, free: LatencyHistogram, ticksPerNs: Double, emptyRegionNs: Double) {
        self.alloc = alloc
        self.free = free
        self.ticksPerNs = ticksPerNs
        self.emptyRegionNs = emptyRegionNs
    }
}

extension AllocationLatency {
    /// Both runs' (or processes') calls as one; the larger empty-region reading is kept.
    public func merged(with other: AllocationLatency) -> AllocationLatency {
        AllocationLatency(alloc: alloc.merged(with: other.alloc), free: free.merged(with: other.free), ticksPerNs: ticksPerNs,
                          emptyRegionNs: max(emptyRegionNs, other.emptyRegionNs))
    }
}

/// libBenchCount.so's latency histograms, driven by the worker like the site recorder: reset before
/// a run, timing while the timer runs, read after the run.
struct LatencyRecorder {
    private let reset: benchcount_latency_reset_fn
    private let record: benchcount_latency_record_fn
    private let readKind: benchcount_latency_read_fn
    private let emptyTicks: benchcount_latency_empty_ticks_fn

    /// Nil when libBenchCount.so is not preloaded.
    init?() {
        guard let reset = dlsym(nil, "benchcount_latency_reset"), let record = dlsym(nil, "benchcount_latency_record"),
              let read = dlsym(nil, "benchcount_latency_read"),
              let empty = dlsym(nil, "benchcount_latency_empty_ticks") else { return nil }
        self.reset = unsafeBitCast(reset, to: benchcount_latency_reset_fn.self)
        self.record = unsafeBitCast(record, to: benchcount_latency_record_fn.self)
        self.readKind = unsafeBitCast(read, to: benchcount_latency_read_fn.self)
        self.emptyTicks = unsafeBitCast(empty, to: benchcount_latency_empty_ticks_fn.self)
    }

    /// Forgets what was timed; call before a run.
    func prepare() { reset() }

    /// Times calls (or stops timing them) from now on. Allocates nothing.
    func timing(_ on: Bool) { record(on ? 1 : 0) }

    /// What was timed (allocates: call it after the run).
    func read() -> AllocationLatency {
        var counts = [UInt64](repeating: 0, count: Int(BENCHCOUNT_LATENCY_BUCKETS))
        var maxTicks: UInt64 = 0
        func histogram(_ kind: benchcount_latency_kind) -> (LatencyHistogram, rate: Double) {
            let rate = counts.withUnsafeMutableBufferPointer { readKind(Int32(kind.rawValue), $0.baseAddress, &maxTicks) }
            return (LatencyHistogram(counts: counts, maxTicks: maxTicks, ticksPerNs: rate), rate)
        }
        let (alloc, rate) = histogram(BENCHCOUNT_LATENCY_ALLOC)
        return AllocationLatency(alloc: alloc, free: histogram(BENCHCOUNT_LATENCY_FREE).0, ticksPerNs: rate,
                                 emptyRegionNs: rate > 0 ? Double(emptyTicks()) / rate : 0)
    }
}
