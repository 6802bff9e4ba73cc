import CBenchKit

/// Runs one pass of a cell inside the worker process, the way Go's `testing` runs a benchmark.
struct CellExecution {
    let workload: Workload
    let request: CellRequest

    /// Why a pass cannot run in this process.
    struct Refusal: Error {
        let message: String
    }

    func run() throws(Refusal) -> CellResult {
        let counter = AllocationCounter.loaded()
        let sampler = MemStatsSampler(allocator: request.allocator, counter: counter)
        var iterations: [Int] = []
        var last: RunOutcome?
        // The timed pass reads the CPU's counters around the timer, where the kernel has them.
        var hardware: Result<HardwareCounters, HardwareCounters.Failure>?
        if case .timed = request.pass { hardware = HardwareCounters.open() }
        defer { if case .success(let counters)? = hardware { counters.close() } }
        let diagnostics = try Diagnostics(request: request, counter: counter)
        // The statistics after the measured run (read before the timed pass's batches run).
        var memStats: MemStatsSnapshot?
        var batchNsPerOp: [Double]?

        func runOnce(_ n: Int, instrumented: Bool = false, recordingLast: Bool = false) throws(Refusal) -> RunOutcome {
            iterations.append(n)
            let counters: HardwareCounters? = if case .success(let counters)? = hardware { counters } else { nil }
            let outcome = runN(n, counter: counter, sampler: sampler, instrumented: instrumented, hardware: counters,
                               sites: recordingLast ? diagnostics.sites : nil,
                               latency: recordingLast ? diagnostics.latency : nil, tracer: diagnostics.tracer)
            if let failure = outcome.failure {
                throw Refusal(message: "the workload failed at b.N=\(n): \(failure)")
            }
            last = outcome
            return outcome
        }

        switch request.pass {
        case .timed(let requested):
            // The timed pass must be free of the interposer: its presence would be measured too.
            if counter != nil {
                throw Refusal(message: "the timed pass found libBenchCount.so loaded; LD_PRELOAD must not name it")
            }
            // A workload with a fixed b.N runs as if --benchtime were that count.
            let benchTime = workload.fixedIterations.map { BenchTime.iterations($0) } ?? requested
            var outcome = try runOnce(1)
            switch benchTime {
            case .iterations(let count):
                if count > 1 { outcome = try runOnce(count) }
            case .duration(let goal):
                while let n = IterationPlanner.nextN(goalNs: goal, previousN: outcome.n,
                                                     previousNs: Int64(clamping: outcome.elapsedNs)) {
                    outcome = try runOnce(n)
                }
            }
            if workload.fixedIterations == nil, request.batches > 0 {
                memStats = sampler.read()
                batchNsPerOp = try timeBatches(of: max(1, outcome.n / (2 * request.batches)), counter: counter,
                                               sampler: sampler)
            }
        case .counting(let replay), .latency(let replay):
            guard counter != nil else {
                throw Refusal(message: "the \(request.pass.name) pass needs libBenchCount.so preloaded, and it is not")
            }
            guard !replay.isEmpty, replay.allSatisfy({ $0 > 0 }) else {
                throw Refusal(message: "the \(request.pass.name) pass needs positive iteration counts, got \(replay)")
            }
            // Sites and latencies are recorded in the last run only: the one whose counts are the cell's.
            for (index, n) in replay.enumerated() { _ = try runOnce(n, recordingLast: index == replay.count - 1) }
        case .instructions(let n):
            guard benchkit_running_on_valgrind() != 0 else {
                throw Refusal(message: "the instruction pass runs under valgrind --tool=callgrind, and this process does not")
            }
            guard counter == nil, n > 0 else {
                throw Refusal(message: "the instruction pass needs a positive b.N and no libBenchCount.so, got b.N=\(n)")
            }
            // One uninstrumented run first, as the timed pass makes, so that what happens once per
            // process (lazy set-up in the runtime and the allocator) is not counted; a workload
            // whose b.N is fixed runs once, as it does in every pass.
            if workload.fixedIterations == nil { _ = try runOnce(1) }
            _ = try runOnce(n, instrumented: true)
        }

        guard let last else { throw Refusal(message: "no run was made") }
        return CellResult(iterations: iterations, elapsedNs: last.elapsedNs, counts: last.counts, metrics: last.metrics,
                          memStats: memStats ?? sampler.read(), process: last.process, allocatorVersion: sampler.allocatorVersion,
                          series: last.series.isEmpty ? nil : last.series,
                          residentSeries: last.residentSeries.isEmpty ? nil : last.residentSeries,
                          liveSeries: last.liveSeries.allSatisfy { $0 == nil } ? nil : last.liveSeries,
                          hardwareCounters: hardware.map { result in
                              switch result {
                              case .success: last.hardware
                              case .failure(let failure): .unavailable(reason: failure.reason)
                              }
                          } ?? nil,
                          debugBuild: BuildConfiguration.isDebug,
                          allocationSites: diagnostics.sites?.read(n: last.n),
                          runtimeTrace: diagnostics.tracer.map { tracer in
                              let (events, dropped) = tracer.read()
                              return RuntimeTrace(runStartNs: last.runSpanNs.start, runEndNs: last.runSpanNs.end,
                                                  n: last.n, events: events, dropped: dropped)
                          },
                          latency: diagnostics.latency?.read(), batchNsPerOp: batchNsPerOp)
    }

    /// The recorders a request asks for, when this process can serve them.
    private struct Diagnostics {
        var sites: AllocationSiteRecorder?
        var tracer: RuntimeTracer?
        var latency: LatencyRecorder?

        init(request: CellRequest, counter: AllocationCounter?) throws(Refusal) {
            if case .latency = request.pass {
                guard counter != nil, let recorder = LatencyRecorder() else {
                    throw Refusal(message: "the latency pass times calls in libBenchCount.so, and it is not preloaded")
                }
                latency = recorder
            }
            if request.recordsAllocationSites {
                guard case .counting = request.pass, counter != nil, let recorder = AllocationSiteRecorder() else {
                    throw Refusal(message: "allocation sites are recorded in the counting pass, with libBenchCount.so preloaded")
                }
                sites = recorder
            }
            if request.tracesRuntime {
                let pass: Bool = switch request.pass {
                case .timed, .counting, .latency: true
                case .instructions: false
                }
                guard pass, request.allocator == .go || request.allocator == .goGC else {
                    throw Refusal(message: "the runtime is traced in the timed, counting and latency passes of allocators go and go-gc")
                }
                guard let loaded = RuntimeTracer() else {
                    throw Refusal(message: "--trace needs libgoalloc.so preloaded, and its trace functions are not loaded")
                }
                tracer = loaded
            }
        }
    }

    /// ns/op of ``CellRequest/batches`` runs of `size` ops each, made after the measured run with
    /// nothing else recorded: the spread of ns/op within this process.
    private func timeBatches(of size: Int, counter: AllocationCounter?, sampler: MemStatsSampler) throws(Refusal) -> [Double] {
        var nsPerOp: [Double] = []
        nsPerOp.reserveCapacity(request.batches)
        for _ in 0..<request.batches {
            let batch = runN(size, counter: counter, sampler: sampler, instrumented: false, hardware: nil, sites: nil,
                             latency: nil, tracer: nil)
            if let failure = batch.failure { throw Refusal(message: "the workload failed in a batch of b.N=\(size): \(failure)") }
            nsPerOp.append(Double(batch.elapsedNs) / Double(size))
        }
        return nsPerOp
    }

    private struct RunOutcome {
        let n: Int
        let elapsedNs: UInt64
        let counts: AllocationCounts?
        let metrics: [String: Double]
        let process: ProcessFigures
        let series: [MemStatsSnapshot]
        let residentSeries: [UInt64]
        let liveSeries: [UInt64?]
        let hardware: HardwareCounters.Reading?
        let runSpanNs: (start: UInt64, end: UInt64)
        let failure: String?
    }

    private func runN(_ n: Int, counter: AllocationCounter?, sampler: MemStatsSampler, instrumented: Bool,
                      hardware: HardwareCounters?, sites: AllocationSiteRecorder?, latency: LatencyRecorder?,
                      tracer: RuntimeTracer?) -> RunOutcome {
        let b = B(n: n, threads: request.threads, allocator: Allocator(for: request.allocator),
                  allocatorName: request.allocator, counter: counter, sampler: sampler, instrumented: instrumented,
                  hardware: hardware, sites: sites, latency: latency, tracer: tracer)
        let probe = ProcessFigureProbe()
        b.run(workload.body)
        let process = probe.finish()
        return RunOutcome(n: n, elapsedNs: b.elapsedNs, counts: counter == nil ? nil : b.counted,
                          metrics: b.metrics, process: process, series: b.memStatsSeries,
                          residentSeries: b.residentSeries, liveSeries: b.liveSeries, hardware: b.hardwareReading,
                          runSpanNs: b.runSpanNs, failure: b.failureReport)
    }
}
