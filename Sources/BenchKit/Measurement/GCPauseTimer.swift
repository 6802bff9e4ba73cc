/// The time the collector stopped the world while a run's timer ran: the source of the `gc-%`
/// metric under go-gc (the share of the timed wall-clock time spent in collection pauses).
///
/// GoAlloc's collector does all its work with the world stopped, so its pause time is all of
/// its time. It reads `PauseTotalNs` when the timer starts and when it stops, outside the timed
/// span, into a snapshot made up front, so it neither allocates nor adds to the measured time.
struct GCPauseTimer {
    private let sampler: MemStatsSampler
    private var stats = MemStatsSnapshot.withRoomForEveryField()
    private var pauseAtStart: Double = 0
    /// Nanoseconds of pauses between each start and its stop, summed.
    private(set) var pausedNs: Double = 0

    /// Reads through `sampler`, which must read the allocator's own statistics (the timed pass).
    init(sampler: MemStatsSampler) {
        self.sampler = sampler
    }

    mutating func start() {
        pauseAtStart = readPauseTotal()
    }

    mutating func stop() {
        pausedNs += readPauseTotal() - pauseAtStart
    }

    mutating func reset() {
        pausedNs = 0
        pauseAtStart = readPauseTotal()
    }

    private mutating func readPauseTotal() -> Double {
        sampler.read(into: &stats)
        return stats[.pauseTotalNs] ?? 0
    }
}
