import Foundation
import Testing
import BenchKit
import BenchResults

/// `bench run --trace` on GoAlloc: the timeline of Go's sawtooth and of PointerItManual, checked
/// against memstats.csv and against the trace-event format Perfetto and chrome://tracing read.
@Suite(.serialized) struct RuntimeTraceTests {
    /// What the Trace Event Format (the JSON Object Format of Google's "Trace Event Format"
    /// document, which Perfetto and chrome://tracing implement) requires of the events this
    /// file uses; each violation as a sentence.
    static func schemaViolations(_ text: String) -> [String] {
        guard let document = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            return ["the file is not a JSON object"]
        }
        guard let events = document["traceEvents"] as? [[String: Any]] else { return ["traceEvents is not an array of objects"] }
        var problems: [String] = []
        if let unit = document["displayTimeUnit"], !["ms", "ns"].contains(unit as? String ?? "") {
            problems.append("displayTimeUnit must be ms or ns")
        }
        func number(_ value: Any?) -> Double? { (value as? NSNumber).map(\.doubleValue) }
        for (index, event) in events.enumerated() {
            let phase = event["ph"] as? String ?? ""
            guard ["X", "B", "E", "i", "I", "C", "M"].contains(phase) else { problems.append("event \(index): phase '\(phase)'"); continue }
            if !(event["name"] is String) { problems.append("event \(index): no name") }
            if !(event["pid"] is Int) { problems.append("event \(index): pid is not an integer") }
            if phase != "C", !(event["tid"] is Int) { problems.append("event \(index): tid is not an integer") }
            if event["cat"] != nil, !(event["cat"] is String) { problems.append("event \(index): cat is not a string") }
            if event["args"] != nil, !(event["args"] is [String: Any]) { problems.append("event \(index): args is not an object") }
            if phase != "M" { if (number(event["ts"]) ?? -1) < 0 { problems.append("event \(index): ts missing or negative") } }
            switch phase {
            case "X": if (number(event["dur"]) ?? -1) < 0 { problems.append("event \(index): complete event without dur >= 0") }
            case "i", "I": if let scope = event["s"], !["g", "p", "t"].contains(scope as? String ?? "") {
                problems.append("event \(index): instant scope must be g, p or t")
            }
            case "C":
                let args = event["args"] as? [String: Any] ?? [:]
                if args.isEmpty || !args.values.allSatisfy({ number($0) != nil }) { problems.append("event \(index): counter args must be numbers") }
            case "M":
                let name = event["name"] as? String ?? ""
                if !["process_name", "thread_name", "process_sort_index", "thread_sort_index", "process_labels"].contains(name)
                    || !((event["args"] as? [String: Any])?["name"] is String || name.hasSuffix("sort_index")) {
                    problems.append("event \(index): metadata event \(name) without args.name")
                }
            default: break
            }
        }
        return problems
    }

    @Test func theSawtoothTimelineHasTheCollectionsAndPausesOfMemStats() throws {
        let out = BenchCommand.scratch("trace-sawtooth")
        let run = try BenchCommand.bench(["--filter", "^Sawtooth/QuarterMiBPerTick$", "--allocators", "go-gc", "--count", "1",
                                          "--trace", "--out", out])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let text = try String(contentsOfFile: "\(out)/traces/Sawtooth-QuarterMiBPerTick-go-gc-t1.json", encoding: .utf8)
        #expect(Self.schemaViolations(text) == [])
        let trace = try #require(RuntimeTraceFile.read(text)).trace
        #expect(trace.dropped == 0)
        let ticks = trace.events.filter { $0.kind == .memStatsSample }
        #expect(ticks.map(\.number) == (0..<60).map(UInt32.init), "a mark per MemStats sample")
        let first = try #require(ticks.first).startNs, last = try #require(ticks.last).startNs
        let cycles = trace.events.filter { $0.kind == .gc && $0.startNs > first && $0.endNs < last }

        let samples = try BenchCommand.memStats(in: out)
        let numGC = samples.compactMap { $0["NumGC"].flatMap(UInt64.init) }
        let pauseTotal = samples.compactMap { $0["PauseTotalNs"].flatMap(UInt64.init) }
        try #require(numGC.count == 60 && pauseTotal.count == 60)
        #expect(UInt64(cycles.count) == numGC[59] - numGC[0], "collections between the first and the last sample")
        #expect(cycles.count >= 3)
        // Each pause is the one PauseNs records: together, PauseTotalNs's climb to the nanosecond.
        #expect(cycles.reduce(0) { $0 + $1.pauseNs } == pauseTotal[59] - pauseTotal[0])
        #expect(cycles.map(\.number) == (UInt32(numGC[0]) + 1...UInt32(numGC[59])).map { $0 }, "cycles in order")
        #expect(cycles.allSatisfy { $0.heapAfter < $0.heapBefore && $0.goal == 4 << 20 }, "each cycle drops the heap")
        let svg = try String(contentsOfFile: "\(out)/charts/timeline-Sawtooth-QuarterMiBPerTick-go-gc-t1.svg", encoding: .utf8)
        #expect(svg.contains("\(trace.events.filter { $0.kind == .gc }.count) collections, the world stopped"))
    }

    @Test func pointerItManualShowsItsStopTheWorldShareAndTracingAllocatesNothing() throws {
        let out = BenchCommand.scratch("trace-manual")
        let run = try BenchCommand.bench(["--filter", "^BigStruct/PointerItManual$", "--allocators", "go-gc,go", "--count", "1",
                                          "--benchtime", "100000x", "--trace", "--out", out])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let text = try String(contentsOfFile: "\(out)/traces/BigStruct-PointerItManual-go-gc-t1.json", encoding: .utf8)
        #expect(Self.schemaViolations(text) == [])
        let trace = try #require(RuntimeTraceFile.read(text)).trace
        let pauses = trace.events.filter { $0.kind == .gc }
        #expect(pauses.count > 0, "100,000 80-byte objects pass the 4 MiB goal")
        let report = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        #expect(report.contains("## Runtime traces"))
        #expect(report.contains("| BigStruct-PointerItManual-go-gc-t1 | \(pauses.count) |"))
        // go has no collector: a timeline with the run and nothing stopped.
        let explicit = try #require(RuntimeTraceFile.read(try String(
            contentsOfFile: "\(out)/traces/BigStruct-PointerItManual-go-t1.json", encoding: .utf8))).trace
        #expect(!explicit.events.contains { $0.kind == .gc })

        // The counting pass traced too; its allocs/op are those of a run without --trace.
        let plain = BenchCommand.scratch("trace-off")
        #expect(try BenchCommand.bench(["--filter", "^BigStruct/PointerItManual$", "--allocators", "go-gc,go", "--count", "1",
                                        "--benchtime", "100000x", "--out", plain]).status == 0)
        let traced = Dictionary(uniqueKeysWithValues: try BenchCommand.rows(in: out).map { ($0.allocator, $0) })
        for row in try BenchCommand.rows(in: plain) {
            #expect(row.allocsPerOp == 1 && traced[row.allocator]?.allocsPerOp == 1, "\(row.allocator)")
            #expect(row.bytesPerOp == traced[row.allocator]?.bytesPerOp, "\(row.allocator)")
        }
    }

    @Test func traceOnAnAllocatorWithoutARuntimeWarnsAndWritesNone() throws {
        let out = BenchCommand.scratch("trace-system")
        let run = try BenchCommand.bench(["--filter", "^BigStruct/CopyIt$", "--allocators", "system", "--count", "1",
                                          "--benchtime", "10x", "--trace", "--out", out])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(run.stderr.contains("--trace traces GoAlloc's runtime, and neither go nor go-gc is among the allocators"))
        #expect(!FileManager.default.fileExists(atPath: out + "/traces"))
    }
}
