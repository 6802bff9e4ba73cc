import Testing
@testable import BenchKit
@testable import BenchResults
@testable import BenchRunner

/// How the runner joins the two passes' samples and what it reports as changes.
@Suite struct MemStatsSeriesTests {
    @Test func theTimedPassWinsAndTheCountingPassFillsWhatItLacks() {
        let timed = [MemStatsSnapshot([.heapAlloc: 100]), MemStatsSnapshot([.heapAlloc: 150])]
        let counted = [MemStatsSnapshot([.heapAlloc: 1, .mallocs: 10]), MemStatsSnapshot([.heapAlloc: 2, .mallocs: 11])]
        let merged = MemStatsSeries.merge(timed: timed, counted: counted)
        #expect(merged == [MemStatsSnapshot([.heapAlloc: 100, .mallocs: 10]), MemStatsSnapshot([.heapAlloc: 150, .mallocs: 11])])
    }

    @Test func aFieldComesFromOnePassForTheWholeSeries() {
        // The timed pass lost Mallocs in one sample (as jemalloc's reader does when thread caches
        // disagree): the whole Mallocs curve then comes from the counting pass.
        let timed = [MemStatsSnapshot([.mallocs: 9000]), MemStatsSnapshot([:]), MemStatsSnapshot([.mallocs: 9002])]
        let counted = [MemStatsSnapshot([.mallocs: 10]), MemStatsSnapshot([.mallocs: 11]), MemStatsSnapshot([.mallocs: 12])]
        #expect(MemStatsSeries.merge(timed: timed, counted: counted).map { $0[.mallocs] } == [10, 11, 12])
    }

    @Test func seriesOfDifferentLengthsAreNotMixed() {
        let timed = [MemStatsSnapshot([.heapAlloc: 1])]
        let counted = [MemStatsSnapshot([.mallocs: 1]), MemStatsSnapshot([.mallocs: 2])]
        #expect(MemStatsSeries.merge(timed: timed, counted: counted) == timed)
        #expect(MemStatsSeries.merge(timed: nil, counted: nil).isEmpty)
    }

    @Test func changesAreLastMinusFirstForFieldsThatMoved() {
        let series = [MemStatsSnapshot([.heapInuse: 8192, .mallocs: 5, .heapAlloc: 64]),
                      MemStatsSnapshot([.heapInuse: 0, .mallocs: 5]),
                      MemStatsSnapshot([.heapInuse: 16384, .mallocs: 5, .numGC: 1])]
        // Unchanged Mallocs and HeapAlloc, which the last sample lacks, have no entry; nor does
        // NumGC, which the first sample lacks.
        #expect(MemStatsSeries.changes(series) == ["ΔHeapInuse": 8192])
        #expect(MemStatsSeries.changes(Array(series.prefix(1))).isEmpty)
    }
}
