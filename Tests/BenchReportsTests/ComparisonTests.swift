import Testing
@testable import BenchKit
@testable import BenchResults
@testable import BenchReports

@Suite struct ComparisonTests {
    let before = SampleRuns.cell("A", "system", [10.0, 10.2, 9.9, 10.1, 10.3, 9.8])
        + SampleRuns.cell("B", "system", [50.0, 52, 49, 51, 50.5, 49.5])

    /// A: 10 ns -> 12 ns in every repetition (medians 10.05 -> 12.05, +19.90%), which no split by
    /// chance explains (p = 2/924);
    /// B: the same values shuffled, no change.
    var after: [RunRow] {
        SampleRuns.cell("A", "system", [12.0, 12.2, 11.9, 12.1, 12.3, 11.8])
            + SampleRuns.cell("B", "system", [51.0, 49, 50.5, 49.5, 52, 50])
    }

    /// A gate never passes what it did not measure: a cell that is missing from the new run, or
    /// whose repetitions failed there, is named.
    @Test func cellsTheNewRunDidNotMeasureAreNamed() {
        #expect(Comparison.unmeasured(old: before, new: after).isEmpty)
        let missing = SampleRuns.cell("A", "system", [12.0, 12.2, 11.9])
        #expect(Comparison.unmeasured(old: before, new: missing) == ["S/B system threads=1: missing"])
        let failed = SampleRuns.cell("A", "system", [12.0, 12.2, 11.9])
            + [SampleRuns.row("B", "system", ns: nil, status: .crashed, error: "timed pass: killed by signal 11 (SIGSEGV)")]
        #expect(Comparison.unmeasured(old: before, new: failed)
            == ["S/B system threads=1: 1 of 1 failed (crashed: timed pass: killed by signal 11 (SIGSEGV))"])
    }

    /// Counts that are the same in every process compare exactly: any change is real, with one
    /// repetition a side, and the gate applies to them as to time.
    @Test func exactCountsNeedNoTest() throws {
        func counted(_ instructions: Double) -> [RunRow] {
            var row = SampleRuns.row("A", "system", ns: 10)
            row.instructions = InstructionCounts(instructions: instructions, estimatedCycles: instructions)
            return [row]
        }
        let grown = try Comparison.runs(old: counted(1000), new: counted(1020), oldName: "old", newName: "new",
                                        metrics: ["instructions_per_op"])
        let row = try #require(grown.sections.first?.rows.first)
        #expect(row.exact && row.isSignificant && row.test == nil)
        #expect(grown.regressions(beyond: 1).count == 1)
        #expect(grown.regressions(beyond: 2.5).isEmpty)
        #expect(ComparisonTable.describe(grown.regressions(beyond: 1)[0]) == "S/A system 1 instructions/op +2.00% (exact)")
        let same = try Comparison.runs(old: counted(1000), new: counted(1000), oldName: "old", newName: "new",
                                       metrics: ["instructions_per_op"])
        #expect(same.regressions(beyond: 0).isEmpty)
        #expect(ComparisonTable.tables(same)[0].table.text().contains(" ~ "))
    }

    @Test func aRegressionIsDetectedAndANoChangePairIsReportedAsNoDifference() throws {
        let comparison = try Comparison.runs(old: before, new: after, oldName: "old", newName: "new", metrics: ["ns_per_op"])
        let rows = try #require(comparison.sections.first).rows
        #expect(rows.count == 2)
        #expect(rows[0].isSignificant)
        #expect(abs((rows[0].changePercent ?? 0) - (12.05 / 10.05 - 1) * 100) < 1e-9)
        #expect(abs((rows[0].test?.pValue ?? 1) - 2.0 / 924) < 1e-12)
        #expect(!rows[1].isSignificant)

        let text = ComparisonTable.tables(comparison)[0].table.text()
        let lines = text.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("S/A") && $0.contains("+19.90%") && $0.contains("0.002") && $0.contains("6+6") })
        #expect(lines.contains { $0.hasPrefix("S/B") && $0.contains(" ~ ") })
        #expect(lines.contains { $0.hasPrefix("geomean") })

        #expect(comparison.regressions(beyond: 5).map(\.row.key[0]) == ["S/A"])
        #expect(comparison.regressions(beyond: 25).isEmpty)
    }

    @Test func improvementsAreNotRegressions() throws {
        let comparison = try Comparison.runs(old: after, new: before, oldName: "old", newName: "new", metrics: nil)
        #expect(comparison.regressions(beyond: 5).isEmpty)
        // Default metrics: the headline ones the rows have.
        #expect(comparison.sections.map(\.metric.name) == ["ns_per_op", "bytes_per_op", "allocs_per_op", "peak_rss_bytes"])
    }

    /// The geomean of the medians: A 10.05 -> 12.05, B 50.25 -> 50.25.
    @Test func geomeanRow() throws {
        let section = try #require(try Comparison.runs(old: before, new: after, oldName: "o", newName: "n", metrics: ["ns_per_op"]).sections.first)
        let geomean = try #require(section.geomean)
        #expect(abs(geomean.old - (10.05 * 50.25).squareRoot()) < 1e-9)
        #expect(abs(geomean.new - (12.05 * 50.25).squareRoot()) < 1e-9)
    }

    @Test func tooFewRepetitionsCanNeverBeSignificantAndSaySo() throws {
        let old = SampleRuns.cell("A", "system", [10, 10, 10]), new = SampleRuns.cell("A", "system", [20, 20, 20])
        let comparison = try Comparison.runs(old: old, new: new, oldName: "old", newName: "new", metrics: ["ns_per_op"])
        #expect(comparison.regressions(beyond: 5).isEmpty)
        let table = ComparisonTable.tables(comparison)[0].table
        #expect(table.rows[0].contains("~ ¹"))
        #expect(table.footnotes.contains { $0.hasPrefix("¹ too few repetitions") })
    }

    @Test func allocatorsAgainstABaseline() throws {
        let runs = SampleRuns.cell("A", "system", [10.0, 10.2, 9.9, 10.1, 10.3, 9.8])
            + SampleRuns.cell("A", "jemalloc", [8.0, 8.1, 7.9, 8.2, 7.8, 8.05])
            + SampleRuns.cell("A", "mimalloc", [10.1, 9.9, 10.0, 10.2, 9.85, 10.15])
        let comparison = try Comparison.allocators(runs, baseline: "system", metrics: ["ns_per_op"])
        let rows = try #require(comparison.sections.first).rows
        #expect(rows.map { $0.key.last! } == ["jemalloc", "mimalloc"])
        #expect(rows[0].isSignificant && (rows[0].changePercent ?? 0) < -19)
        #expect(!rows[1].isSignificant)
        #expect(throws: InputError.self) { try Comparison.allocators(runs, baseline: "tcmalloc", metrics: nil) }
    }

    @Test func badMetricNamesAndMixedHostsAreRefused() {
        #expect(throws: InputError.self) {
            try Comparison.runs(old: before, new: after, oldName: "o", newName: "n", metrics: ["ns_per_sheep"])
        }
        let twoHosts = SampleRuns.cell("A", "system", [1, 2], host: "x") + SampleRuns.cell("A", "system", [1, 2], host: "y")
        #expect(throws: InputError.self) {
            try Comparison.runs(old: twoHosts, new: after, oldName: "o", newName: "n", metrics: nil)
        }
    }

    @Test func extraMetricsAreCompared() throws {
        var old = before, new = after
        for index in old.indices { old[index].metrics["ops/s"] = 100 }
        for index in new.indices { new[index].metrics["ops/s"] = 90 }
        let comparison = try Comparison.runs(old: old, new: new, oldName: "o", newName: "n", metrics: nil)
        #expect(comparison.sections.map(\.metric.name).contains("ops/s"))
    }
}
