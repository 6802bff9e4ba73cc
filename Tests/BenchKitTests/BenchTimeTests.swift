import Testing
@testable import BenchKit

@Suite struct GoDurationTests {
    @Test(arguments: [
        ("1s", 1_000_000_000), ("250ms", 250_000_000), ("1m30s", 90_000_000_000), ("1.5h", 5_400_000_000_000),
        ("100us", 100_000), ("100µs", 100_000), ("2h45m", 9_900_000_000_000), ("0", 0), (".5s", 500_000_000),
        ("10ns", 10),
    ] as [(String, Int64)])
    func parsesGoDurations(text: String, nanoseconds: Int64) {
        #expect(GoDuration.nanoseconds(text) == nanoseconds)
    }

    @Test(arguments: ["1parsec", "", "s", "1", "-1s", "1.2.3s", "1 s", "1sec", "x"])
    func rejectsWhatGoRejects(text: String) {
        #expect(GoDuration.nanoseconds(text) == nil)
    }

    @Test func formatsLikeGo() {
        #expect(GoDuration.format(nanoseconds: 1_000_000_000) == "1s")
        #expect(GoDuration.format(nanoseconds: 250_000_000) == "250ms")
        #expect(GoDuration.format(nanoseconds: 90_000_000_000) == "1m30s")
        #expect(GoDuration.format(nanoseconds: 1_500_000_000) == "1.5s")
    }
}

@Suite struct BenchTimeTests {
    @Test func parsesDurationsAndCounts() {
        #expect(BenchTime(parsing: "1s") == .duration(nanoseconds: 1_000_000_000))
        #expect(BenchTime(parsing: "1000x") == .iterations(1000))
        #expect(BenchTime(parsing: "200ms")?.description == "200ms")
        #expect(BenchTime(parsing: "1000x")?.description == "1000x")
    }

    @Test(arguments: ["0x", "-5x", "x", "1.5x", "0s", "0", "1parsec", "10"])
    func rejectsZeroNegativeAndNonsense(text: String) {
        #expect(BenchTime(parsing: text) == nil)
    }
}
