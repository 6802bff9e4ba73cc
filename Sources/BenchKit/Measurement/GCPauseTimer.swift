#if canImport(Glibc)
import Glibc
#endif
import CGoAllocABI

/// The time the collector stopped the world while a run's timer ran: the source of the `gc-%`
/// metric under go-gc (the share of the timed wall-clock time spent in collection pauses).
///
/// GoAlloc's collector does all its work with the world stopped, so its pause time is all of
/// its time. The timer reads `PauseTotalNs` alone (libgoalloc.so's `goalloc_gc_pause_total_ns`)
/// when the timer starts and when it stops, outside the timed span: a full MemStats read there
/// would cost a walk of the heap's statistics and tens of KiB of stack on every start and stop.
struct GCPauseTimer {
    private let pauseTotal: goalloc_gc_pause_total_ns_fn
    private var pauseAtStart: UInt64 = 0
    /// Nanoseconds of pauses between each start and its stop, summed.
    private(set) var pausedNs: UInt64 = 0

    /// Nil when libgoalloc.so is not loaded in this process.
    init?() {
        guard let symbol = dlsym(nil, "goalloc_gc_pause_total_ns") else { return nil }
        pauseTotal = unsafeBitCast(symbol, to: goalloc_gc_pause_total_ns_fn.self)
    }

    mutating func start() {
        pauseAtStart = pauseTotal()
    }

    mutating func stop() {
        pausedNs += pauseTotal() - pauseAtStart
    }

    mutating func reset() {
        pausedNs = 0
        pauseAtStart = pauseTotal()
    }
}
