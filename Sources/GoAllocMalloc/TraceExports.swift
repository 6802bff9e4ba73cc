import CGoAlloc
import GoAlloc

// GoAlloc's execution trace (Sources/GoAlloc/ExecutionTrace.swift), exported by libgoalloc.so for
// programs that run with it preloaded; `bench run --trace` finds these with dlsym. The C types
// are in GoAllocABI.h.

/// Forgets the recorded events and records from now on.
@_cdecl("goalloc_trace_start")
public func goalloc_trace_start() {
    GoAlloc.startTrace()
}

/// Stops recording; the events stay until the next start.
@_cdecl("goalloc_trace_stop")
public func goalloc_trace_stop() {
    GoAlloc.stopTrace()
}

/// Copies up to `capacity` events into `events` and returns how many were recorded; `*dropped`
/// is set to the events that did not fit.
@_cdecl("goalloc_trace_read")
public func goalloc_trace_read(_ events: UnsafeMutablePointer<goalloc_trace_event>?, _ capacity: Int,
                               _ dropped: UnsafeMutablePointer<UInt64>) -> Int {
    GoAlloc.readTrace(into: events, capacity: capacity, dropped: &dropped.pointee)
}

/// Records an instant labelled `label` while the trace records.
@_cdecl("goalloc_trace_mark")
public func goalloc_trace_mark(_ label: UInt32) {
    GoAlloc.markTrace(label: label)
}
