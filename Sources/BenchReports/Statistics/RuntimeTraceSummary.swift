import BenchKit
import BenchResults

/// What a runtime trace adds up to: the collections and the time the world stood still, the
/// scavenger's steps and the heap's growth, over the measured run. The timeline's subtitle and
/// the report's "Runtime traces" table say the same numbers.
struct RuntimeTraceSummary: Equatable {
    var collections = 0
    /// Sum of the cycles' pauses as PauseNs records them.
    var stopTheWorldNs: UInt64 = 0
    var longestPauseNs: UInt64 = 0
    var medianPauseNs: UInt64 = 0
    var runNs: UInt64 = 0
    var scavengerSteps = 0
    var releasedBytes: UInt64 = 0
    var heapGrowths = 0
    var grownBytes: UInt64 = 0

    init(_ trace: RuntimeTrace) {
        let pauses = trace.events.filter { $0.kind == .gc }.map(\.pauseNs).sorted()
        collections = pauses.count
        stopTheWorldNs = pauses.reduce(0, +)
        longestPauseNs = pauses.last ?? 0
        medianPauseNs = pauses.isEmpty ? 0 : pauses[pauses.count / 2]
        runNs = trace.runEndNs &- trace.runStartNs
        let scavenges = trace.events.filter { $0.kind == .scavenge }
        scavengerSteps = scavenges.count
        releasedBytes = scavenges.reduce(0) { $0 + $1.bytes }
        let growths = trace.events.filter { $0.kind == .heapGrow }
        heapGrowths = growths.count
        grownBytes = growths.reduce(0) { $0 + $1.bytes }
    }

    /// The share of the run the world was stopped, in percent.
    var stopTheWorldPercent: Double { runNs > 0 ? 100 * Double(stopTheWorldNs) / Double(runNs) : 0 }

    /// One sentence: `3 collections, the world stopped 0.1 ms (0.9% of the run; longest pause 33 µs); ...`.
    var sentence: String {
        var parts = ["\(collections) collection\(collections == 1 ? "" : "s")"]
        if collections > 0 {
            parts[0] += ", the world stopped \(Self.milliseconds(stopTheWorldNs)) "
                + "(\(NumberFormat.fixed(stopTheWorldPercent, 2))% of the run; longest pause \(Self.microseconds(longestPauseNs)))"
        }
        parts.append("\(scavengerSteps) scavenger step\(scavengerSteps == 1 ? "" : "s")"
            + (scavengerSteps > 0 ? " releasing \(NumberFormat.bytes(Double(releasedBytes)))" : ""))
        parts.append("\(heapGrowths) heap growth\(heapGrowths == 1 ? "" : "s")"
            + (heapGrowths > 0 ? " (\(NumberFormat.bytes(Double(grownBytes))))" : ""))
        return parts.joined(separator: "; ") + " in a run of \(Self.milliseconds(runNs))"
    }

    static func milliseconds(_ ns: UInt64) -> String { NumberFormat.goStyle(Double(ns) / 1e6) + " ms" }
    static func microseconds(_ ns: UInt64) -> String { NumberFormat.goStyle(Double(ns) / 1e3) + " µs" }
}
