import Testing
@testable import BenchKit
@testable import BenchResults
@testable import BenchReports

@Suite struct StatisticsTests {
    @Test func medianAndMAD() {
        #expect(Statistics.median([3, 1, 2]) == 2)
        #expect(Statistics.median([4, 1, 3, 2]) == 2.5)
        #expect(Statistics.median([]) == nil)
        // |x - 3| for [1, 2, 3, 4, 100] = [2, 1, 0, 1, 97] -> median 1
        #expect(Statistics.medianAbsoluteDeviation([1, 2, 3, 4, 100]) == 1)
    }

    @Test func binomialCDFMatchesHandComputedValues() {
        #expect(Statistics.binomialCDF(0, 5) == 1.0 / 32)
        #expect(Statistics.binomialCDF(1, 10) == 11.0 / 1024)
        #expect(Statistics.binomialCDF(2, 10) == 56.0 / 1024)
        #expect(Statistics.binomialCDF(10, 10) == 1)
    }

    /// With n = 5 even [min, max] covers the median with probability 1 - 2/32 = 93.75 % < 95 %.
    @Test func noNinetyFivePercentIntervalBelowSixValues() {
        #expect(Statistics.medianConfidenceInterval([1, 2, 3, 4, 5]) == nil)
        let six = Statistics.medianConfidenceInterval([6, 1, 5, 2, 4, 3])
        #expect(six?.lower == 1 && six?.upper == 6) // 1 - 2/64 = 96.9 %
    }

    /// n = 10: [x(2), x(9)] covers 1 - 2 * 11/1024 = 97.9 %; [x(3), x(8)] only 89.1 %.
    @Test func tenValuesGiveTheSecondAndNinthOrderStatistics() {
        let interval = Statistics.medianConfidenceInterval((1...10).map(Double.init))
        #expect(interval?.lower == 2 && interval?.upper == 9)
    }

    /// The published table of order-statistic intervals for the median (e.g. Conover, Practical
    /// Nonparametric Statistics, and benchstat's at 95%): n = 6 gives [x(1), x(6)], n = 8 [x(1),
    /// x(8)] (symmetric; [x(2), x(7)] would cover only 93.0%), n = 15 [x(4), x(12)] (96.5%),
    /// n = 20 [x(6), x(15)] (95.9%).
    @Test func intervalsMatchThePublishedTable() {
        for (n, lower, upper) in [(6, 1.0, 6.0), (8, 1, 8), (15, 4, 12), (20, 6, 15)] {
            let interval = Statistics.medianConfidenceInterval((1...n).reversed().map(Double.init))
            #expect(interval?.lower == lower && interval?.upper == upper, "n = \(n)")
        }
        #expect(Statistics.intervalPercent(median: 10, lower: 9, upper: 12) == 20)
        #expect(Statistics.intervalPercent(median: 0, lower: -1, upper: 1) == nil)
    }

    @Test func modesSplitAtGaps() {
        #expect(Statistics.modes([20.1, 40.2, 19.9, 20.0, 41.0]).map(\.count) == [3, 2])
        #expect(Statistics.modes([20.1, 20.2, 20.0]).count == 1)
        #expect(Statistics.modes([0, 0, 0]).count == 1)
    }
}

@Suite struct SummaryTests {
    func row(_ workload: String, _ allocator: String, ns: Double, status: CellStatus = .ok) -> RunRow {
        var row = RunRow(cell: CellKey(suite: "S", workload: workload, allocator: allocator, threads: 1, host: "h"), runID: "r", rep: 1,
                         status: status, startedAt: "t")
        row.nsPerOp = ns
        row.allocsPerOp = 1
        return row
    }

    @Test func flagsCellsWhoseRepetitionsSplitIntoModes() {
        let runs = [20.0, 20.4, 40.0, 40.8, 20.2].map { row("P", "system", ns: $0) }
        let time = Summary.rows(runs).first { $0.metric == "ns_per_op" }!
        #expect(time.unstable)
        #expect(time.modes.map(\.count) == [3, 2])
        #expect(time.median == 20.4)
        #expect(time.n == 5)
    }

    @Test func stableCellsAndTinyDifferencesAreNotFlagged() {
        let stable = Summary.rows([10.0, 10.1, 10.2].map { row("C", "system", ns: $0) })
        #expect(stable.first { $0.metric == "ns_per_op" }?.unstable == false)
        let tiny = Summary.rows([0.00000002, 0.00000004].map { row("E", "system", ns: $0) })
        #expect(tiny.first { $0.metric == "ns_per_op" }?.unstable == false)
    }

    @Test func failedRowsAreLeftOutOfStatistics() {
        let runs = [row("C", "system", ns: 10), row("C", "system", ns: 0, status: .crashed)]
        #expect(Summary.rows(runs).first { $0.metric == "ns_per_op" }?.n == 1)
    }

    @Test func tablesMarkUnstableFailedAndIntervalFreeCells() {
        let runs = SampleRuns.cell("P", "system", [20, 20.4, 40, 40.8, 20.2])
            + [SampleRuns.row("P", "system", ns: nil, rep: 6, status: .crashed)]
            + [SampleRuns.row("Q", "system", ns: nil, status: .timeout)]
        let text = SummaryTable.table(Summary.rows(runs), runs: runs).text()
        #expect(text.contains("unstable: 20.20x3 40.40x2; 1 failed"))
        #expect(text.contains("all 1 failed"))
        #expect(text.contains("5/6"))
        #expect(text.contains("± ∞"))
        #expect(text.contains(Summary.noIntervalFootnote))
    }

    @Test func csvHasOneLinePerGroupAndMetric() {
        let runs = [row("A", "system", ns: 1), row("A", "jemalloc", ns: 2)]
        let rows = Summary.rows(runs)
        #expect(Set(rows.map(\.allocator)) == ["system", "jemalloc"])
        #expect(CSV.parse(SummaryFile.csv(rows)).count == rows.count + 1)
    }
}
