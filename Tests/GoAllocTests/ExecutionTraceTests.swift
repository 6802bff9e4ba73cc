import CGoAlloc
import Foundation
import Testing
@testable import GoAlloc

extension HeapTests {
/// GoAlloc's execution trace: a collection, a heap growth and a scavenger step while it
/// records, each with the figures MemStats has for it; nothing while it does not. Among the
/// heap tests, which run one at a time: its collections must not land in another's counts.
@Suite struct ExecutionTrace {
    func events() -> (events: [goalloc_trace_event], dropped: UInt64) {
        var dropped: UInt64 = 0
        let count = GoAlloc.readTrace(into: nil, capacity: 0, dropped: &dropped)
        var events = [goalloc_trace_event](repeating: goalloc_trace_event(), count: count)
        _ = events.withUnsafeMutableBufferPointer { GoAlloc.readTrace(into: $0.baseAddress, capacity: count, dropped: &dropped) }
        return (events, dropped)
    }

    @Test func aForcedCollectionIsRecordedWithThePauseMemStatsHas() throws {
        GoAlloc.startTrace()
        defer { GoAlloc.stopTrace() }
        _ = GoAlloc.Managed.allocate(byteCount: 64)
        GoAlloc.markTrace(label: 7)
        GoAlloc.Managed.collect()
        let stats = GoAlloc.readMemStats()
        let (recorded, dropped) = events()
        #expect(dropped == 0)
        // Other suites may collect too: this test's cycle is the one MemStats counted last.
        let cycle = try #require(recorded.first { $0.kind == UInt32(GOALLOC_TRACE_GC.rawValue) && $0.number == stats.numGC })
        #expect(recorded.contains { $0.kind == UInt32(GOALLOC_TRACE_GC.rawValue) && $0.forced == 1 })
        // The trace's pause is the one PauseNs keeps for the cycle (ring index NumGC-1 mod 256).
        #expect(cycle.pause_ns == stats.pauseNs[Int((stats.numGC + 255) % 256)])
        #expect(cycle.goal == stats.nextGC)
        let phases = withUnsafeBytes(of: cycle.phase_ns) { Array($0.bindMemory(to: UInt64.self)) }
        #expect(phases.first == cycle.start_ns)
        #expect(zip(phases, phases.dropFirst()).allSatisfy { $0 <= $1 }, "phases in order: \(phases)")
        #expect(phases.last! <= cycle.end_ns)
        #expect(cycle.pause_ns == phases[Int(GOALLOC_PHASE_START.rawValue)] - cycle.start_ns)
        let mark = try #require(recorded.first { $0.kind == UInt32(GOALLOC_TRACE_MARK.rawValue) })
        #expect(mark.number == 7)
        #expect(mark.start_ns <= cycle.start_ns)
    }

    @Test func heapGrowthAndTheScavengerAreRecorded() throws {
        // More than the heap has free, so it grows; freed and released at once.
        let bytes = Int(GoAlloc.readMemStats().heapIdle) + (64 << 20)
        GoAlloc.startTrace()
        let large = try #require(GoAlloc.allocate(byteCount: bytes))
        GoAlloc.deallocate(large)
        GoAlloc.freeOSMemory()
        GoAlloc.stopTrace()
        let (recorded, _) = events()
        let growth = try #require(recorded.first { $0.kind == UInt32(GOALLOC_TRACE_HEAP_GROW.rawValue) })
        #expect(growth.bytes >= 64 << 20)
        #expect(growth.start_ns == growth.end_ns)
        let released = recorded.filter { $0.kind == UInt32(GOALLOC_TRACE_SCAVENGE.rawValue) && $0.forced == 1 }
        #expect(released.reduce(0) { $0 + $1.bytes } >= 64 << 20, "FreeOSMemory returns the freed 64 MiB")
        #expect(released.allSatisfy { $0.start_ns <= $0.end_ns })
    }

    @Test func nothingIsRecordedWhileStopped() throws {
        GoAlloc.startTrace()
        GoAlloc.stopTrace()
        GoAlloc.Managed.collect()
        GoAlloc.markTrace(label: 1)
        #expect(events().events.isEmpty)
    }
}
}
