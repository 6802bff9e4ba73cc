#if canImport(Glibc)
import Glibc
#endif
import CBenchKit
import CGoAllocABI

/// The time the collector stopped the world while a run's timer ran: the source of the `gc-%`
/// metric under go-gc and boehm (the share of the timed wall-clock time spent in collection pauses).
///
/// GoAlloc's collector does all its work with the world stopped, so its pause time is all of
/// its time; Boehm's stops the world for each collection (and, in its incremental mode, for each
/// increment), timed from its stop-world event to its start-world event. The timer reads the
/// pause total alone (libgoalloc.so's `goalloc_gc_pause_total_ns`, boehm.c's
/// `benchkit_boehm_pause_total_ns`) when the timer starts and when it stops, outside the timed
/// span: a full MemStats read there would cost a walk of the heap's statistics and tens of KiB of
/// stack on every start and stop.
struct GCPauseTimer {
    private let pauseTotal: @convention(c) () -> UInt64
    private var pauseAtStart: UInt64 = 0
    /// Nanoseconds of pauses between each start and its stop, summed.
    private(set) var pausedNs: UInt64 = 0

    /// The pause timer of `allocator`'s collector; nil when it has none, or its library is not loaded.
    init?(_ allocator: AllocatorName) {
        switch allocator {
        case .goGC:
            guard let symbol = dlsym(nil, "goalloc_gc_pause_total_ns") else { return nil }
            pauseTotal = unsafeBitCast(symbol, to: goalloc_gc_pause_total_ns_fn.self)
        case .boehm:
            guard benchkit_boehm_start() != 0 else { return nil }
            pauseTotal = benchkit_boehm_pause_total_ns
        default:
            return nil
        }
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
