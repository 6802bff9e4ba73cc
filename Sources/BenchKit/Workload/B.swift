import CBenchKit
import Foundation

/// The context a workload body runs in, modelled on Go's `testing.B`.
///
/// The body runs the measured operation ``n`` times. The harness calls it with growing `n`
/// until one call takes at least the bench time, and reports the last call.
///
///     { b in
///         let allocator = b.allocator
///         for _ in 0..<b.n {
///             let p = allocator.allocate(byteCount: 80)
///             allocator.deallocate(p, byteCount: 80)
///         }
///     }
///
/// The timer runs while the body runs. Exclude setup with ``resetTimer()`` (after setup) or with
/// ``stopTimer()``/``startTimer()`` around it; allocations made while the timer is stopped are
/// not counted either. Call the timer methods, and ``recordMemStatsSample()``, from one thread at
/// a time: the thread that runs the body, or a thread the body is waiting for.
///
/// A workload that finds its data corrupted calls ``fail(_:)``; the cell becomes a failed row.
public final class B: @unchecked Sendable {
    /// How many times to run the measured operation.
    public let n: Int
    /// The thread count of this cell (`--threads`); a ``Workload/Threading/parallel`` workload
    /// spreads its work over this many threads.
    public let threads: Int
    /// The explicit allocation interface of the process's allocator.
    public let allocator: Allocator
    /// The name of the allocator selected for this process (`system`, `jemalloc`, ...).
    public let allocatorName: AllocatorName

    private let counter: AllocationCounter?
    private let sampler: MemStatsSampler
    private var timerOn = false
    private var startNs: UInt64 = 0
    private var startCounts = AllocationCounts()
    /// Under go-gc and boehm in the timed pass: the collector's pauses while the timer runs (metric `gc-%`).
    private var gcPauses: GCPauseTimer?
    /// Under callgrind in the instruction pass: instrument only while the timer runs.
    private let instrumented: Bool
    /// The CPU's counters while the timer runs, when the kernel offers them (timed pass).
    private var hardware: HardwareCounters?
    /// Records allocation call stacks while the timer runs (counting pass, `--memprofile`).
    private let sites: AllocationSiteRecorder?
    /// Times each malloc-family call while the timer runs (latency pass, `--latency`).
    private let latency: LatencyRecorder?
    /// Records what GoAlloc's runtime does during the run (timed and counting passes, `--trace`).
    private let tracer: RuntimeTracer?
    /// When the body was called and when it returned (CLOCK_MONOTONIC), for the trace.
    private(set) var runSpanNs: (start: UInt64, end: UInt64) = (0, 0)
    private(set) var elapsedNs: UInt64 = 0
    /// Allocations while the timer ran.
    private(set) var counted = AllocationCounts()
    private(set) var metrics: [String: Double] = [:]
    /// The MemStats samples of this run; only the first `sampleCount` are taken.
    private var samples: [MemStatsSnapshot] = []
    /// The process's resident bytes at each sample, beside the allocator's statistics.
    private var residents: [UInt64] = []
    /// The bytes the workload said it held at each sample (``noLiveBytes`` where it did not say).
    private var lives: [UInt64] = []
    private static let noLiveBytes = UInt64.max
    private var sampleCount = 0
    /// The first failure a workload reported, and how many it reported in all.
    private var failure: (message: String, count: Int)?
    private let failureLock = NSLock()

    init(n: Int, threads: Int, allocator: Allocator, allocatorName: AllocatorName, counter: AllocationCounter?,
         sampler: MemStatsSampler, instrumented: Bool = false, hardware: HardwareCounters? = nil,
         sites: AllocationSiteRecorder? = nil, latency: LatencyRecorder? = nil, tracer: RuntimeTracer? = nil) {
        self.instrumented = instrumented
        self.hardware = hardware
        self.sites = sites
        self.latency = latency
        self.tracer = tracer
        self.n = n
        self.threads = threads
        self.allocator = allocator
        self.allocatorName = allocatorName
        self.counter = counter
        self.sampler = sampler
        if allocatorName.isGarbageCollected && counter == nil { gcPauses = GCPauseTimer(allocatorName) }
        // Reserved here, while nothing is timed or counted, so that reportMetric in the measured
        // region never allocates: the harness's own bookkeeping must not show up in allocs/op.
        metrics.reserveCapacity(16)
    }

    /// Starts timing (and counting). Does nothing if the timer runs already.
    public func startTimer() {
        guard !timerOn else { return }
        if let counter { startCounts = counter.totals() }
        sites?.recording(true)
        latency?.timing(true)
        gcPauses?.start()
        hardware?.start()
        if instrumented { benchkit_callgrind_start() }
        startNs = monotonicNanoseconds()
        timerOn = true
    }

    /// Stops timing (and counting); the time and allocations so far are kept.
    public func stopTimer() {
        guard timerOn else { return }
        elapsedNs += monotonicNanoseconds() - startNs
        if instrumented { benchkit_callgrind_stop() }
        hardware?.stop()
        latency?.timing(false)
        sites?.recording(false)
        if let counter {
            let now = counter.totals()
            counted = counted + (now - startCounts)
        }
        gcPauses?.stop()
        timerOn = false
    }

    /// Zeroes the elapsed time, the allocation counts and the reported metrics, without
    /// stopping the timer, as Go's `ResetTimer` does.
    public func resetTimer() {
        gcPauses?.reset()
        hardware?.reset()
        if instrumented { benchkit_callgrind_zero() }
        if let sites {
            sites.prepare()
            if timerOn { sites.recording(true) }
        }
        if let latency {
            latency.prepare()
            if timerOn { latency.timing(true) }
        }
        if timerOn {
            if let counter { startCounts = counter.totals() }
            startNs = monotonicNanoseconds()
        }
        elapsedNs = 0
        counted = AllocationCounts()
        metrics.removeAll(keepingCapacity: true)
    }

    /// The hardware counters' totals over the timed part of the run, when they were opened.
    var hardwareReading: HardwareCounters.Reading? { hardware?.reading }

    /// The timed nanoseconds so far (Go's `Elapsed`), for metrics such as `ops/s`.
    public var elapsedNanoseconds: UInt64 {
        timerOn ? elapsedNs + (monotonicNanoseconds() - startNs) : elapsedNs
    }

    /// Reads the allocator's MemStats now and appends them to this run's series, with the timer
    /// stopped during the read. The series goes to `memstats.csv` (one row per sample, `tick` 0,
    /// 1, ...), and the fields that changed between the first and the last sample become metrics
    /// named `Δ<Field>` (`ΔHeapInuse`). The process's resident bytes are read beside them, and
    /// `liveBytes`, the bytes the workload holds now if it keeps count, goes beside those
    /// (`memstats.csv`'s `live_bytes`; the report draws resident over live for every allocator).
    ///
    /// The first call sets aside room for ``reservedSamples`` samples before it reads, so up to
    /// that many samples allocate nothing between them: the statistics show the workload, not the
    /// harness. Each sample beyond that grows the series, and the next sample sees the growth.
    public func recordMemStatsSample(liveBytes: Int? = nil) {
        let wasTiming = timerOn
        stopTimer()
        if samples.isEmpty {
            samples = (0..<B.reservedSamples).map { _ in MemStatsSnapshot.withRoomForEveryField() }
            residents = Array(repeating: 0, count: B.reservedSamples)
            lives = Array(repeating: B.noLiveBytes, count: B.reservedSamples)
        }
        tracer?.markSample(sampleCount)
        if sampleCount == samples.count {
            samples.append(MemStatsSnapshot.withRoomForEveryField())
            residents.append(0)
            lives.append(B.noLiveBytes)
        }
        sampler.read(into: &samples[sampleCount])
        residents[sampleCount] = benchkit_resident_bytes()
        lives[sampleCount] = liveBytes.map { UInt64(max(0, $0)) } ?? B.noLiveBytes
        sampleCount += 1
        if wasTiming { startTimer() }
    }

    /// Samples that ``recordMemStatsSample()`` takes without allocating in between.
    public static let reservedSamples = 64

    /// Marks this run as failed, like Go's `b.Error`: the worker reports the first message (and how
    /// many failures there were) instead of a result, and the cell becomes a failed row. The body
    /// goes on; return early if going on is unsafe. Safe to call from any thread.
    public func fail(_ message: String) {
        failureLock.lock()
        defer { failureLock.unlock() }
        failure = (failure?.message ?? message, (failure?.count ?? 0) + 1)
    }

    /// What ``fail(_:)`` reported, as one line; nil when the run did not fail.
    var failureReport: String? {
        failureLock.lock()
        defer { failureLock.unlock() }
        guard let failure else { return nil }
        return failure.count == 1 ? failure.message : "\(failure.message) (and \(failure.count - 1) more failures)"
    }

    /// The MemStats samples this run took.
    var memStatsSeries: [MemStatsSnapshot] { Array(samples.prefix(sampleCount)) }
    /// The process's resident bytes at each of those samples.
    var residentSeries: [UInt64] { Array(residents.prefix(sampleCount)) }
    /// The bytes the workload held at each of those samples, where it said.
    var liveSeries: [UInt64?] { lives.prefix(sampleCount).map { $0 == B.noLiveBytes ? nil : $0 } }

    /// Reports an extra metric for this run, like Go's `ReportMetric` (for example `ops/s`).
    /// The unit names the metric; a later report with the same unit replaces the earlier one.
    public func reportMetric(_ unit: String, _ value: Double) {
        metrics[unit] = value
    }

    /// Keeps `value` alive and its computation in place, at no cost beyond having the value in
    /// memory: the optimiser must assume the value is read, so it cannot delete or hoist the work
    /// that produced it.
    @inlinable @inline(__always)
    public func blackHole<T>(_ value: T) {
        withUnsafePointer(to: value) { benchkit_black_hole($0) }
    }

    /// Runs `body` with this context and a running timer, like Go's `runN`.
    func run(_ body: (B) -> Void) {
        tracer?.begin()
        runSpanNs.start = monotonicNanoseconds()
        resetTimer()
        startTimer()
        body(self)
        stopTimer()
        runSpanNs.end = monotonicNanoseconds()
        tracer?.end()
        if let gcPauses, elapsedNs > 0 {
            metrics[MetricName.gcPercent] = 100 * Double(gcPauses.pausedNs) / Double(elapsedNs)
        }
    }
}
