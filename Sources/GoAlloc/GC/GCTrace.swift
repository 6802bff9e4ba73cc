// GoAlloc: Go's allocator in Swift. The design, and how this part fits in, is the essay at the top of
// Malloc.swift (as Go's malloc.go introduces its runtime allocator).

#if canImport(Glibc)
import Glibc
#endif
import CGoAlloc

/// Where one collection's pause went, phase by phase, and what each phase covered: the
/// breakdown `GOALLOC_GCTRACE=1` prints to standard error after every cycle, one line each, as
/// Go's GODEBUG=gctrace=1 does for its own collector:
///
///     goalloc gc 12: pause 6312 us = stop 12 + flush 80 (3 spans left unswept) + stacks 30 (2 threads, 240 KiB) + roots 900
///     (3 ranges, 1024 KiB) + mark 4100 (35000 objects, 3000 through the stacks, 3210 KiB, 0 by helpers)
///     + sweep 1100 + start 8; heap 6535 KiB
///     marked 3210 KiB, next goal 6420 KiB
///
/// Written with write(2) from a buffer on the stack: nothing here allocates. The phases are timed
/// in every cycle (eight clock reads); only the line is optional.
struct GCTrace {
    /// Nanoseconds at the start of each phase, and at the end of the last.
    var stop: UInt64 = 0, flush: UInt64 = 0, stacks: UInt64 = 0, roots: UInt64 = 0, mark: UInt64 = 0
    var sweep: UInt64 = 0, start: UInt64 = 0, end: UInt64 = 0
    var threads: UInt64 = 0, stackBytes: UInt64 = 0
    /// Spans the last cycle left unswept, swept in the flush phase before the mark.
    var leftUnswept: UInt64 = 0
    var ranges: UInt64 = 0, rangeBytes: UInt64 = 0
    var objects: UInt64 = 0, markedBytes: UInt64 = 0
    /// The objects marked through the stacks (and what they reach), before the registered ranges.
    var objectsFromStacks: UInt64 = 0
    /// The objects the mark helpers scanned (MarkWork.swift), of `objects`.
    var helped: UInt64 = 0
    var heapBefore: UInt64 = 0, goal: UInt64 = 0
    /// The generational mode's part (GOALLOC_GENERATIONAL), printed only when it is on.
    var generational = GenerationalTrace()

    /// Whether GOALLOC_GCTRACE=1 asked for the lines (read once, when the collector starts).
    static func requested() -> Bool {
        guard let value = getenv("GOALLOC_GCTRACE") else { return false }
        return value[0] == 49 && value[1] == 0 // "1"
    }

    /// The cycle as an execution-trace event (``ExecutionTrace``), with the pause that PauseNs records.
    func event(cycle: UInt32, pause: UInt64, forced: Bool) -> goalloc_trace_event {
        var event = goalloc_trace_event()
        event.kind = UInt32(GOALLOC_TRACE_GC.rawValue)
        event.number = cycle
        event.start_ns = stop
        event.end_ns = end
        event.phase_ns = (stop, flush, stacks, roots, mark, sweep, start)
        event.pause_ns = pause
        event.heap_before = heapBefore
        event.heap_after = markedBytes
        event.goal = goal
        event.forced = forced ? 1 : 0
        return event
    }

    /// Writes the cycle's line to standard error.
    func write(cycle: UInt32) {
        var line = TraceLine()
        line.text("goalloc gc ")
        line.number(UInt64(cycle))
        line.text(": pause ")
        line.micros(end &- stop)
        line.text(" us = stop ")
        line.micros(flush &- stop)
        line.text(" + flush ")
        line.micros(stacks &- flush)
        line.text(" (")
        line.number(leftUnswept)
        line.text(" spans left unswept)")
        line.text(" + stacks ")
        line.micros(roots &- stacks)
        line.text(" (")
        line.number(threads)
        line.text(" threads, ")
        line.number(stackBytes >> 10)
        line.text(" KiB) + roots ")
        line.micros(mark &- roots)
        line.text(" (")
        line.number(ranges)
        line.text(" ranges, ")
        line.number(rangeBytes >> 10)
        line.text(" KiB) + mark ")
        line.micros(sweep &- mark)
        line.text(" (")
        line.number(objects)
        line.text(" objects, ")
        line.number(objectsFromStacks)
        line.text(" through the stacks, ")
        line.number(markedBytes >> 10)
        line.text(" KiB, ")
        line.number(helped)
        line.text(" by helpers) + sweep ")
        line.micros(start &- sweep)
        line.text(" + start ")
        line.micros(end &- start)
        line.text("; heap ")
        line.number(heapBefore >> 10)
        line.text(" KiB marked ")
        line.number(markedBytes >> 10)
        line.text(" KiB, next goal ")
        line.number(goal >> 10)
        line.text(" KiB")
        if Globals.shared.gc.stickyMarks { generational.write(to: &line) }
        line.text("\n")
        line.flush()
    }
}

/// A line built in a fixed buffer on the stack, then written at once.
struct TraceLine {
    private var bytes: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                        UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                        UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                        UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
        = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
           0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    private var count = 0
    private static let capacity = 48 * 8

    private mutating func append(_ byte: UInt8) {
        guard count < Self.capacity else { return }
        withUnsafeMutableBytes(of: &bytes) { $0[count] = byte }
        count += 1
    }

    mutating func text(_ text: StaticString) {
        var index = 0
        while index < text.utf8CodeUnitCount {
            append(text.utf8Start[index])
            index += 1
        }
    }

    mutating func number(_ value: UInt64) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var length = 0
        var rest = value
        repeat {
            withUnsafeMutableBytes(of: &digits) { $0[length] = UInt8(48 + rest % 10) }
            rest /= 10
            length += 1
        } while rest > 0
        while length > 0 {
            length -= 1
            append(withUnsafeBytes(of: &digits) { $0[length] })
        }
    }

    /// Nanoseconds as whole microseconds.
    mutating func micros(_ nanoseconds: UInt64) { number(nanoseconds / 1000) }

    mutating func flush() {
        let length = count
        withUnsafeBytes(of: &bytes) { _ = Glibc.write(STDERR_FILENO, $0.baseAddress, length) }
    }
}
