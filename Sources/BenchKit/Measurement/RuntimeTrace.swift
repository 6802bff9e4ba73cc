#if canImport(Glibc)
import Glibc
#endif
import CGoAllocABI

/// What the allocator's runtime did during the measured run (`bench run --trace`): GoAlloc's
/// execution trace (every collection with its phases and pause, every scavenger step, every heap
/// growth) and the run's own span, on one clock (CLOCK_MONOTONIC, nanoseconds).
///
/// Only `go` and `go-gc` have a runtime to trace; on another allocator the pass reports none.
public struct RuntimeTrace: Codable, Equatable, Sendable {
    /// One thing the runtime did.
    public struct Event: Codable, Equatable, Sendable {
        public enum Kind: String, Codable, Sendable, CaseIterable {
            /// A collection, all of it with the world stopped.
            case gc
            /// The scavenger returned free pages to the OS.
            case scavenge
            /// The heap mapped more memory from the OS.
            case heapGrow
            /// The workload took its MemStats sample number `number` (a memstats.csv tick).
            case memStatsSample
        }

        public var kind: Kind
        /// gc: the cycle (NumGC once it ended); memStatsSample: the tick.
        public var number: UInt32
        public var startNs: UInt64
        public var endNs: UInt64
        /// gc: when stop, flush, stacks, roots, mark, sweep and start began (the last ends at `endNs`).
        public var phaseStartNs: [UInt64]
        /// gc: the pause as MemStats.PauseNs records it.
        public var pauseNs: UInt64
        /// gc: the live heap the cycle started from.
        public var heapBefore: UInt64
        /// gc: bytes marked; scavenge and heapGrow: the heap's mapped bytes not released, after;
        /// memStatsSample: the live heap (the collector's count under go-gc, HeapInuse under go).
        public var heapAfter: UInt64
        /// gc: the next goal (NextGC).
        public var goal: UInt64
        /// scavenge: bytes released; heapGrow: bytes mapped.
        public var bytes: UInt64
        /// gc: forced (runtime.GC); scavenge: FreeOSMemory rather than the scavenger (background, or after an allocation that took released pages).
        public var forced: Bool

        /// The phase names, in the order of ``phaseStartNs``.
        public static let phases = ["stop", "flush", "stacks", "roots", "mark", "sweep", "start"]

        public init(kind: Kind, number: UInt32 = 0, startNs: UInt64, endNs: UInt64, phaseStartNs: [UInt64] = [],
                    pauseNs: UInt64 = 0, heapBefore: UInt64 = 0, heapAfter: UInt64 = 0, goal: UInt64 = 0,
                    bytes: UInt64 = 0, forced: Bool = false) {
            self.kind = kind
            self.number = number
            self.startNs = startNs
            self.endNs = endNs
            self.phaseStartNs = phaseStartNs
            self.pauseNs = pauseNs
            self.heapBefore = heapBefore
            self.heapAfter = heapAfter
            self.goal = goal
            self.bytes = bytes
            self.forced = forced
        }
    }

    /// When the measured run started and ended (the body's call, timer stops included).
    public var runStartNs: UInt64
    public var runEndNs: UInt64
    /// b.N of the traced run.
    public var n: Int
    public var events: [Event]
    /// Events the runtime's buffer had no room for (never silently lost).
    public var dropped: UInt64

    public init(runStartNs: UInt64, runEndNs: UInt64, n: Int, events: [Event], dropped: UInt64) {
        self.runStartNs = runStartNs
        self.runEndNs = runEndNs
        self.n = n
        self.events = events
        self.dropped = dropped
    }
}

/// Starts, stops and reads libgoalloc.so's execution trace in the worker (its exports, found
/// with dlsym: they exist only where GoAlloc is the process's malloc).
struct RuntimeTracer {
    private let start: goalloc_trace_start_fn
    private let stop: goalloc_trace_stop_fn
    private let readEvents: goalloc_trace_read_fn
    private let mark: goalloc_trace_mark_fn

    /// Nil when libgoalloc.so is not loaded.
    init?() {
        guard let start = dlsym(nil, "goalloc_trace_start"), let stop = dlsym(nil, "goalloc_trace_stop"),
              let read = dlsym(nil, "goalloc_trace_read"), let mark = dlsym(nil, "goalloc_trace_mark") else { return nil }
        self.start = unsafeBitCast(start, to: goalloc_trace_start_fn.self)
        self.stop = unsafeBitCast(stop, to: goalloc_trace_stop_fn.self)
        self.readEvents = unsafeBitCast(read, to: goalloc_trace_read_fn.self)
        self.mark = unsafeBitCast(mark, to: goalloc_trace_mark_fn.self)
    }

    /// Forgets the last run's events and records this one's. Allocates nothing.
    func begin() { start() }

    /// Stops recording. Allocates nothing.
    func end() { stop() }

    /// Marks a MemStats sample. Allocates nothing.
    func markSample(_ tick: Int) { mark(UInt32(truncatingIfNeeded: tick)) }

    /// The recorded events (allocates: call it after the run).
    func read() -> (events: [RuntimeTrace.Event], dropped: UInt64) {
        var dropped: UInt64 = 0
        let count = readEvents(nil, 0, &dropped)
        var raw = [goalloc_trace_event](repeating: goalloc_trace_event(), count: count)
        let copied = raw.withUnsafeMutableBufferPointer { readEvents($0.baseAddress, count, &dropped) }
        return (raw.prefix(min(copied, count)).compactMap(Self.event), dropped)
    }

    private static func event(_ raw: goalloc_trace_event) -> RuntimeTrace.Event? {
        let kind: RuntimeTrace.Event.Kind
        switch raw.kind {
        case UInt32(GOALLOC_TRACE_GC.rawValue): kind = .gc
        case UInt32(GOALLOC_TRACE_SCAVENGE.rawValue): kind = .scavenge
        case UInt32(GOALLOC_TRACE_HEAP_GROW.rawValue): kind = .heapGrow
        case UInt32(GOALLOC_TRACE_MARK.rawValue): kind = .memStatsSample
        default: return nil
        }
        let phases = withUnsafeBytes(of: raw.phase_ns) { Array($0.bindMemory(to: UInt64.self)) }
        return RuntimeTrace.Event(kind: kind, number: raw.number, startNs: raw.start_ns, endNs: raw.end_ns,
                                  phaseStartNs: kind == .gc ? phases : [], pauseNs: raw.pause_ns,
                                  heapBefore: raw.heap_before, heapAfter: raw.heap_after, goal: raw.goal,
                                  bytes: raw.bytes, forced: raw.forced != 0)
    }
}
