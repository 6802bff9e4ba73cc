import BenchKit
import Foundation

/// A cell's runtime trace as Chrome's trace-event format (`traces/<cell>.json`, written by
/// `bench run --trace`): Perfetto (ui.perfetto.dev) and chrome://tracing open it as it is.
///
/// One process (the worker) with three tracks: `benchmark` (the measured run, the MemStats
/// samples as instants, heap growth as instants), `collector` (each collection as a complete
/// event, its phases nested under it; every cycle stops the world, so the track is the
/// stop-the-world time) and `scavenger`; and counter tracks of the live heap and the goal.
/// Timestamps are microseconds from the run's start. Every event carries its exact figures in
/// `args` (nanoseconds, bytes), so ``read(_:)`` gets back exactly what was written; the cell
/// and the run's span are in `otherData`.
public enum RuntimeTraceFile {
    /// The trace's tracks (thread ids), as the trace names them.
    enum Track: Int, CaseIterable {
        case benchmark = 1, collector, scavenger

        var name: String {
            switch self {
            case .benchmark: "benchmark"
            case .collector: "collector (stop the world)"
            case .scavenger: "scavenger"
            }
        }
    }

    /// The categories, which also tell ``read(_:)`` what an event is.
    enum Category {
        static let run = "benchmark", gc = "gc", phase = "gc.phase", scavenge = "scavenger", grow = "heap"
        static let sample = "memstats", counter = "heap.counter"
    }

    /// The file's text for `trace`, recorded for `cell`.
    public static func json(_ trace: RuntimeTrace, cell: CellKey) throws -> String {
        func micros(_ ns: UInt64) -> Double { Double(Int64(bitPattern: ns &- trace.runStartNs)) / 1000 }
        var events: [[String: Any]] = [
            ["name": "process_name", "ph": "M", "pid": 1, "tid": 0, "args": ["name": "\(cell.fullName) on \(cell.allocator)"]],
        ]
        for track in Track.allCases {
            events.append(["name": "thread_name", "ph": "M", "pid": 1, "tid": track.rawValue, "args": ["name": track.name]])
        }
        events.append(["name": "b.run N=\(trace.n)", "cat": Category.run, "ph": "X", "pid": 1, "tid": Track.benchmark.rawValue,
                       "ts": 0.0, "dur": micros(trace.runEndNs),
                       "args": ["n": trace.n, "start_ns": trace.runStartNs, "end_ns": trace.runEndNs]])
        for event in trace.events {
            var args: [String: Any] = ["start_ns": event.startNs, "end_ns": event.endNs]
            switch event.kind {
            case .gc:
                args.merge(["cycle": event.number, "pause_ns": event.pauseNs, "heap_before": event.heapBefore,
                            "heap_after": event.heapAfter, "goal": event.goal, "forced": event.forced,
                            "phase_start_ns": event.phaseStartNs]) { $1 }
                events.append(["name": "GC \(event.number)", "cat": Category.gc, "ph": "X", "pid": 1,
                               "tid": Track.collector.rawValue, "ts": micros(event.startNs),
                               "dur": Double(event.endNs &- event.startNs) / 1000, "args": args])
                let bounds = event.phaseStartNs + [event.endNs]
                for (index, phase) in RuntimeTrace.Event.phases.enumerated() where index + 1 < bounds.count {
                    events.append(["name": phase, "cat": Category.phase, "ph": "X", "pid": 1, "tid": Track.collector.rawValue,
                                   "ts": micros(bounds[index]), "dur": Double(bounds[index + 1] &- bounds[index]) / 1000])
                }
                events.append(["name": "heap", "cat": Category.counter, "ph": "C", "pid": 1, "ts": micros(event.startNs),
                               "args": ["live": event.heapBefore]])
                events.append(["name": "heap", "cat": Category.counter, "ph": "C", "pid": 1, "ts": micros(event.endNs),
                               "args": ["live": event.heapAfter]])
                events.append(["name": "goal", "cat": Category.counter, "ph": "C", "pid": 1, "ts": micros(event.endNs),
                               "args": ["goal": event.goal]])
            case .scavenge:
                args.merge(["bytes": event.bytes, "heap_after": event.heapAfter, "forced": event.forced]) { $1 }
                events.append(["name": event.forced ? "FreeOSMemory" : "scavenge", "cat": Category.scavenge, "ph": "X",
                               "pid": 1, "tid": Track.scavenger.rawValue, "ts": micros(event.startNs),
                               "dur": Double(event.endNs &- event.startNs) / 1000, "args": args])
            case .heapGrow:
                args.merge(["bytes": event.bytes, "heap_after": event.heapAfter]) { $1 }
                events.append(["name": "heap grows", "cat": Category.grow, "ph": "i", "s": "p", "pid": 1,
                               "tid": Track.benchmark.rawValue, "ts": micros(event.startNs), "args": args])
            case .memStatsSample:
                args["tick"] = event.number
                args["heap_after"] = event.heapAfter
                events.append(["name": "MemStats sample \(event.number)", "cat": Category.sample, "ph": "i", "s": "t",
                               "pid": 1, "tid": Track.benchmark.rawValue, "ts": micros(event.startNs), "args": args])
            }
        }
        let document: [String: Any] = [
            "displayTimeUnit": "ns",
            "otherData": ["suite": cell.suite, "workload": cell.workload, "allocator": cell.allocator,
                          "threads": cell.threads, "host": cell.host, "n": trace.n, "dropped_events": trace.dropped,
                          "clock": "CLOCK_MONOTONIC; ts in microseconds from the run's start",
                          "run_start_ns": trace.runStartNs, "run_end_ns": trace.runEndNs],
            "traceEvents": events,
        ]
        let data = try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// A trace file read back: its cell and its events.
    public struct Contents: Sendable {
        public var cell: CellKey
        public var trace: RuntimeTrace
    }

    /// Reads a file that ``json(_:cell:)`` wrote; nil when it is not one.
    public static func read(_ text: String) -> Contents? {
        guard let document = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let other = document["otherData"] as? [String: Any], let list = document["traceEvents"] as? [[String: Any]],
              let suite = other["suite"] as? String, let workload = other["workload"] as? String,
              let allocator = other["allocator"] as? String, let threads = other["threads"] as? Int,
              let n = other["n"] as? Int, let start = uint(other["run_start_ns"]), let end = uint(other["run_end_ns"])
        else { return nil }
        var events: [RuntimeTrace.Event] = []
        for item in list {
            guard let args = item["args"] as? [String: Any], let category = item["cat"] as? String,
                  let startNs = uint(args["start_ns"]), let endNs = uint(args["end_ns"]) else { continue }
            switch category {
            case Category.gc:
                events.append(.init(kind: .gc, number: UInt32(uint(args["cycle"]) ?? 0), startNs: startNs, endNs: endNs,
                                    phaseStartNs: (args["phase_start_ns"] as? [Any] ?? []).compactMap(uint),
                                    pauseNs: uint(args["pause_ns"]) ?? 0, heapBefore: uint(args["heap_before"]) ?? 0,
                                    heapAfter: uint(args["heap_after"]) ?? 0, goal: uint(args["goal"]) ?? 0,
                                    forced: args["forced"] as? Bool ?? false))
            case Category.scavenge:
                events.append(.init(kind: .scavenge, startNs: startNs, endNs: endNs, heapAfter: uint(args["heap_after"]) ?? 0,
                                    bytes: uint(args["bytes"]) ?? 0, forced: args["forced"] as? Bool ?? false))
            case Category.grow:
                events.append(.init(kind: .heapGrow, startNs: startNs, endNs: endNs, heapAfter: uint(args["heap_after"]) ?? 0,
                                    bytes: uint(args["bytes"]) ?? 0))
            case Category.sample:
                events.append(.init(kind: .memStatsSample, number: UInt32(uint(args["tick"]) ?? 0), startNs: startNs, endNs: endNs,
                                    heapAfter: uint(args["heap_after"]) ?? 0))
            default: continue
            }
        }
        let cell = CellKey(suite: suite, workload: workload, allocator: allocator, threads: threads,
                           host: other["host"] as? String ?? "")
        return Contents(cell: cell, trace: RuntimeTrace(runStartNs: start, runEndNs: end, n: n, events: events,
                                                        dropped: uint(other["dropped_events"]) ?? 0))
    }

    /// A JSON number as UInt64, exactly (JSONSerialization gives NSNumber).
    private static func uint(_ value: Any?) -> UInt64? {
        (value as? NSNumber).map { $0.uint64Value }
    }
}
