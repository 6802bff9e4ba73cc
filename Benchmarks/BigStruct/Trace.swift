import BenchKit

/// The Trace variants: a fixed number of creations, measured with what Go's trace tool shows
/// beside the time (context switches, page faults, the heap's statistics).
enum Trace {
    /// Creations per run: the count Go's copy-vs-pointer trace uses.
    static let creations = 20_000_000

    /// `workload` (whose body is its loop of b.n creations) as a Trace variant, `<Name>Trace`.
    static func variant(of workload: Workload) -> Workload {
        Workload(suite: workload.suite, name: workload.name + "Trace",
                 summary: "\(workload.name) for a fixed 20,000,000 creations, reporting context switches, page faults and the MemStats changes beside time and peak RSS",
                 fixedIterations: creations, file: workload.source.file, line: workload.source.line) { b in
            measure(b) { workload.body(b) }
        }
    }

    /// Runs `loop` (the b.n creations) between two MemStats samples and reports the process's
    /// context switches and page faults over it; the harness adds the peak RSS and turns the
    /// samples into `Δ<Field>` metrics.
    @inline(__always)
    static func measure(_ b: B, _ loop: () -> Void) {
        // Starting and reading the probe may allocate (file names, /proc text): outside the timer
        // and outside the two samples, which allocate nothing themselves.
        b.stopTimer()
        let probe = ProcessFigureProbe()
        b.recordMemStatsSample()
        b.startTimer()
        loop()
        b.stopTimer()
        b.recordMemStatsSample()
        let figures = probe.finish()
        b.reportMetric("ctx-switches", Double(figures.voluntaryContextSwitches + figures.involuntaryContextSwitches))
        b.reportMetric("page-faults", Double(figures.minorFaults + figures.majorFaults))
    }
}
