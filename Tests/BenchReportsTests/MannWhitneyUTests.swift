import Testing
@testable import BenchKit
@testable import BenchResults
@testable import BenchReports

@Suite struct MannWhitneyUTests {
    func close(_ a: Double?, _ b: Double, within tolerance: Double = 1e-9) -> Bool {
        guard let a else { return false }
        return abs(a - b) <= tolerance
    }

    /// By hand: [1, 2] against [3, 4] is the most extreme of the C(4, 2) = 6 orderings, on
    /// either side, so U = 0 and p = 2/6.
    @Test func smallestSamplesByHand() {
        let result = MannWhitneyU.test([1, 2], [3, 4])
        #expect(result?.u == 0)
        #expect(result?.exact == true)
        #expect(close(result?.pValue, 1.0 / 3))
        #expect(MannWhitneyU.test([], [1]) == nil)
    }

    /// The values of Go's own test of the U test (golang.org/x/perf, internal/stats/utest_test.go),
    /// which benchstat uses: two-sided, exact, no ties.
    @Test func goPerfPublishedValues() {
        let s1 = [2.0, 1, 3, 5], s2 = [12.0, 11, 13, 15], s3 = [0.0, 4, 6, 7]
        #expect(MannWhitneyU.test(s1, s2)?.u == 0)
        #expect(close(MannWhitneyU.test(s1, s2)?.pValue, 0.028571428571428577))
        #expect(MannWhitneyU.test(s2, s1)?.u == 16)
        #expect(close(MannWhitneyU.test(s2, s1)?.pValue, 0.028571428571428577))
        #expect(MannWhitneyU.test(s1, s3)?.u == 5)
        #expect(close(MannWhitneyU.test(s1, s3)?.pValue, 0.48571428571428577))
    }

    /// SciPy's documented example (`scipy.stats.mannwhitneyu`, ages of male and female
    /// graduates): U = 17, exact p = 0.1111, asymptotic p = 0.11134688653314041.
    @Test func scipyPublishedExample() {
        let males = [19.0, 22, 16, 29, 24], females = [20.0, 11, 17, 12]
        let result = MannWhitneyU.test(males, females)
        #expect(result?.u == 17)
        #expect(close(result?.pValue, 1.0 / 9))
        #expect(close(MannWhitneyU.normalPValue(u: 17, 5, 4, tieGroups: []), 0.11134688653314041, within: 1e-12))
    }

    /// By hand, with a tie: [1, 2, 2] against [2, 3, 4]. Mid-ranks 1, 3, 3 | 3, 5, 6, so U = 7 - 6
    /// = 1. Of the 20 ways to pick 3 of the 6 ranks, those summing to 7 or less are {1,3,3} three
    /// ways, so P(U <= 1) = 3/20 and p = 2 x 3/20 = 0.3.
    @Test func tiesByHandAndFromGoPerf() {
        let result = MannWhitneyU.test([1, 2, 2], [2, 3, 4])
        #expect(result?.u == 1)
        #expect(result?.exact == true)
        #expect(close(result?.pValue, 0.3))
        // golang.org/x/perf's tied case: [2, 1, 3, 5] against [2, 2, 2, 2], U = 10, p = 0.714.
        #expect(MannWhitneyU.test([2, 1, 3, 5], [2, 2, 2, 2])?.u == 10)
        #expect(close(MannWhitneyU.test([2, 1, 3, 5], [2, 2, 2, 2])?.pValue, 0.7142857142857143))
        // All values equal: nothing tells the samples apart.
        #expect(MannWhitneyU.test([5, 5, 5], [5, 5])?.pValue == 1)
        // Three equal repetitions against three: no split of six values is rarer than 2 in 20.
        #expect(close(MannWhitneyU.test([10, 10, 10], [20, 20, 20])?.pValue, 0.1))
    }

    /// Beyond ``MannWhitneyU/exactLimit`` values, the normal approximation with the tie correction:
    /// for [1, 2, 2] against [2, 3, 4] by hand, the three 2s shrink the variance to
    /// 9/12 x (7 - 24/30) = 4.65, z = (3.5 - 0.5) / sqrt(4.65), p = erfc(z / sqrt 2) = 0.16416.
    @Test func largeSamplesUseTheTieCorrectedNormalApproximation() {
        #expect(close(MannWhitneyU.normalPValue(u: 1, 3, 3, tieGroups: [3]), 0.16415972847851523, within: 1e-12))
        let large = MannWhitneyU.test((1...30).map(Double.init), (11...40).map(Double.init))
        #expect(large?.exact == false)
        #expect((large?.pValue ?? 1) < 0.05)
    }

    @Test func smallestPossiblePValue() {
        #expect(close(MannWhitneyU.smallestPValue(3, 3), 0.1))
        #expect(close(MannWhitneyU.smallestPValue(4, 4), 2.0 / 70))
        #expect(close(MannWhitneyU.smallestPValue(5, 5), 2.0 / 252))
        // And it is what the exact test gives for fully separated samples.
        #expect(close(MannWhitneyU.test([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])?.pValue, 2.0 / 252))
    }
}
