import Testing
@testable import BenchKit

/// b.N grows as in Go's testing.B.launch.
@Suite struct IterationPlannerTests {
    let second: Int64 = 1_000_000_000

    @Test func growsAtMostHundredfoldPerStep() {
        // N=1 took 1 µs: the prediction (1e6 * 1.2) is capped at 100 x 1.
        #expect(IterationPlanner.nextN(goalNs: second, previousN: 1, previousNs: 1_000) == 100)
    }

    @Test func predictsTwentyPercentOverTheGoal() {
        // 10000 ops took 100 ms: 1e9 * 1e4 / 1e8 = 100000, plus 20 % = 120000 (under the 100x cap).
        #expect(IterationPlanner.nextN(goalNs: second, previousN: 10_000, previousNs: 100_000_000) == 120_000)
        // 1000 ops took 10 ms: the same prediction, now capped at 100 x 1000.
        #expect(IterationPlanner.nextN(goalNs: second, previousN: 1000, previousNs: 10_000_000) == 100_000)
    }

    @Test func runsAtLeastOneMore() {
        // A run that nearly met the goal still grows by at least one iteration.
        #expect(IterationPlanner.nextN(goalNs: second, previousN: 10, previousNs: 999_999_999) == 12)
        #expect(IterationPlanner.nextN(goalNs: second, previousN: 1, previousNs: 999_999_999) == 2)
    }

    @Test func stopsOnceARunMeetsTheGoal() {
        #expect(IterationPlanner.nextN(goalNs: second, previousN: 5, previousNs: second) == nil)
        #expect(IterationPlanner.nextN(goalNs: second, previousN: 1, previousNs: 3 * second) == nil)
    }

    @Test func neverExceedsOneBillion() {
        #expect(IterationPlanner.nextN(goalNs: second, previousN: 100_000_000, previousNs: 1) == 1_000_000_000)
        #expect(IterationPlanner.nextN(goalNs: second, previousN: 1_000_000_000, previousNs: 1) == nil)
    }

    @Test func saturatesInsteadOfOverflowing() {
        let n = IterationPlanner.nextN(goalNs: Int64.max / 2, previousN: 900_000_000, previousNs: 1)
        #expect(n == 1_000_000_000)
    }

    @Test func treatsAZeroDurationAsOneNanosecond() {
        #expect(IterationPlanner.nextN(goalNs: 1_000, previousN: 1, previousNs: 0) == 100)
    }
}
