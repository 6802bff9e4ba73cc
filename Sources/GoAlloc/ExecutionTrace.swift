// GoAlloc: Go's allocator in Swift. The design, and how this part fits in, is the essay at the top of
// Malloc.swift (as Go's malloc.go introduces its runtime allocator).

#if canImport(Glibc)
import Glibc
#endif
import CGoAlloc

/// What the runtime did, with timestamps: the memory part of Go's execution trace
/// (runtime/trace). While it records, every collection (its phases, its pause as PauseNs has it,
/// the heap before and after, the next goal), every scavenger step and every growth of the heap
/// is appended as a `goalloc_trace_event` (GoAllocABI.h); a program reads them afterwards with
/// `goalloc_trace_read` (`bench run --trace` turns them into Chrome trace-event JSON).
///
/// Cost: nothing on the allocation and free paths. The events come from the rare paths only
/// (a cycle, a scavenger step, a heap growth), each of which already holds the heap lock and
/// checks one flag. The buffer is mapped at the first start (OtherSys, as Go charges its trace
/// buffers) and holds ``capacity`` events; later events are counted as dropped, not recorded.
///
/// Guarded by the heap lock, like the rest of the statistics.
struct ExecutionTrace {
    /// 65,536 events of 128 bytes: 8 MiB of address space, touched only as far as it is written
    /// (a 1 s run of PointerItManual on go-gc makes about 700 collections).
    static let capacity = 1 << 16

    var events: UnsafeMutablePointer<goalloc_trace_event>?
    var count = 0
    var dropped: UInt64 = 0
    var recording = false
}

extension UnsafeMutablePointer where Pointee == Globals {
    /// Forgets what was recorded and records from now on (goalloc_trace_start).
    func startTrace() {
        heap.pointee.lock.lock()
        defer { heap.pointee.lock.unlock() }
        if pointee.trace.events == nil {
            let bytes = ExecutionTrace.capacity * MemoryLayout<goalloc_trace_event>.stride
            pointee.trace.events = OSMemory.sysAlloc(bytes, charging: &pointee.otherSys)
                .bindMemory(to: goalloc_trace_event.self, capacity: ExecutionTrace.capacity)
        }
        pointee.trace.count = 0
        pointee.trace.dropped = 0
        pointee.trace.recording = true
    }

    /// Stops recording; the events stay until the next start (goalloc_trace_stop).
    func stopTrace() {
        heap.pointee.lock.lock()
        pointee.trace.recording = false
        heap.pointee.lock.unlock()
    }

    /// Copies up to `capacity` events into `events` (nil: none) and returns how many were
    /// recorded; `dropped` is how many did not fit (goalloc_trace_read).
    func readTrace(into events: UnsafeMutablePointer<goalloc_trace_event>?, capacity: Int,
                          dropped: inout UInt64) -> Int {
        heap.pointee.lock.lock()
        defer { heap.pointee.lock.unlock() }
        dropped = pointee.trace.dropped
        if let events, let recorded = pointee.trace.events {
            events.update(from: recorded, count: min(capacity, pointee.trace.count))
        }
        return pointee.trace.count
    }

    /// Records an instant labelled `label` (goalloc_trace_mark): bench marks each MemStats
    /// sample, so the timeline lines up with memstats.csv's ticks.
    func markTrace(label: UInt32) {
        heap.pointee.lock.lock()
        if pointee.trace.recording {
            let now = monotonicNanoseconds()
            var event = goalloc_trace_event()
            event.kind = UInt32(GOALLOC_TRACE_MARK.rawValue)
            event.number = label
            event.start_ns = now
            event.end_ns = now
            // The heap the timeline draws: the collector's count once the managed heap is in use, else HeapInuse.
            event.heap_after = gc.pointee.started != 0 ? goalloc_load_relaxed(&gc.pointee.pacer.heapLive)
                : UInt64(heap.pointee.pagesInUse) << UInt64(SizeClasses.pageShift)
            appendTraceEventLocked(event)
        }
        heap.pointee.lock.unlock()
    }

    /// Whether events are being recorded; the rare paths check this before they build one. Heap lock held.
    var tracingLocked: Bool {
        assertHeapLockHeld()
        return pointee.trace.recording
    }

    /// Appends `event`, or counts it as dropped when the buffer is full. Heap lock held.
    func appendTraceEventLocked(_ event: goalloc_trace_event) {
        assertHeapLockHeld()
        guard pointee.trace.recording, let events = pointee.trace.events else { return }
        guard pointee.trace.count < ExecutionTrace.capacity else {
            pointee.trace.dropped &+= 1
            return
        }
        events[pointee.trace.count] = event
        pointee.trace.count += 1
    }

    /// Records that the heap now has `pagesMapped` pages mapped after growing by `bytes`, or, for
    /// a scavenger step, released `bytes` between `start` and now. Heap lock held.
    func traceHeapLocked(_ kind: goalloc_trace_kind, start: UInt64, bytes: Int, forced: Bool = false) {
        guard tracingLocked else { return }
        var event = goalloc_trace_event()
        event.kind = UInt32(kind.rawValue)
        event.start_ns = start
        event.end_ns = kind == GOALLOC_TRACE_HEAP_GROW ? start : monotonicNanoseconds()
        event.bytes = UInt64(bytes)
        event.heap_after = UInt64(heap.pointee.pagesMapped - heap.pointee.pagesReleased) << UInt64(SizeClasses.pageShift)
        event.forced = forced ? 1 : 0
        appendTraceEventLocked(event)
    }
}

extension GoAlloc {
    /// Forgets the recorded events and records from now on (``ExecutionTrace``, Go's trace.Start).
    public static func startTrace() { Globals.shared.startTrace() }

    /// Stops recording; the events stay until the next start.
    public static func stopTrace() { Globals.shared.stopTrace() }

    /// Copies up to `capacity` recorded events into `events`, returns how many there are, and
    /// sets `dropped` to how many did not fit in the trace's buffer.
    public static func readTrace(into events: UnsafeMutablePointer<goalloc_trace_event>?, capacity: Int,
                                 dropped: inout UInt64) -> Int {
        Globals.shared.readTrace(into: events, capacity: capacity, dropped: &dropped)
    }

    /// Records an instant labelled `label` while the trace records.
    public static func markTrace(label: UInt32) { Globals.shared.markTrace(label: label) }
}
