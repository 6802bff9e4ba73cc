import Foundation
import Testing
import BenchKit
import BenchResults

/// A runtime trace written as Chrome trace-event JSON and read back.
@Suite struct RuntimeTraceFileTests {
    static let cell = CellKey(suite: "Sawtooth", workload: "QuarterMiBPerTick", allocator: "go-gc", threads: 1, host: "vm")
    static let start: UInt64 = 9_000_000_000_000_123
    static let trace = RuntimeTrace(
        runStartNs: start, runEndNs: start + 2_000_000, n: 60,
        events: [
            .init(kind: .memStatsSample, number: 0, startNs: start + 10, endNs: start + 10, heapAfter: 262_144),
            .init(kind: .heapGrow, startNs: start + 500, endNs: start + 500, heapAfter: 8 << 20, bytes: 4 << 20),
            .init(kind: .gc, number: 1, startNs: start + 1_000_000, endNs: start + 1_033_000,
                  phaseStartNs: (0..<7).map { start + 1_000_000 + UInt64($0) * 4_000 }, pauseNs: 31_527,
                  heapBefore: 4_194_304, heapAfter: 262_144, goal: 4_194_304, forced: false),
            .init(kind: .scavenge, startNs: start + 1_500_000, endNs: start + 1_510_000, heapAfter: 4 << 20, bytes: 1 << 20,
                  forced: true),
        ],
        dropped: 0)

    @Test func readingGivesBackWhatWasWritten() throws {
        let text = try RuntimeTraceFile.json(Self.trace, cell: Self.cell)
        let read = try #require(RuntimeTraceFile.read(text))
        #expect(read.trace == Self.trace)
        #expect(read.cell == Self.cell)
    }

    @Test func collectionsAreCompleteEventsWithTheirPhasesNestedInMicroseconds() throws {
        let text = try RuntimeTraceFile.json(Self.trace, cell: Self.cell)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let events = try #require(document["traceEvents"] as? [[String: Any]])
        let gc = try #require(events.first { $0["name"] as? String == "GC 1" })
        #expect(gc["ph"] as? String == "X")
        #expect(gc["ts"] as? Double == 1000)
        #expect(gc["dur"] as? Double == 33)
        let phases = events.filter { $0["cat"] as? String == "gc.phase" }
        #expect(phases.compactMap { $0["name"] as? String } == RuntimeTrace.Event.phases)
        #expect(phases.allSatisfy { ($0["tid"] as? Int) == (gc["tid"] as? Int) })
        #expect(events.contains { $0["ph"] as? String == "C" && $0["name"] as? String == "heap" })
        #expect(events.contains { $0["name"] as? String == "FreeOSMemory" })
    }

    @Test func aFileOfAnotherKindIsNotATrace() {
        #expect(RuntimeTraceFile.read("{\"traceEvents\": []}") == nil)
        #expect(RuntimeTraceFile.read("not json") == nil)
    }
}
