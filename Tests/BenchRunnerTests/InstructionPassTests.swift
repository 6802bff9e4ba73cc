import Testing
@testable import BenchRunner

@Suite struct InstructionPassTests {
    static let profile = """
        version: 1
        creator: callgrind-3.19.0
        cmd: bench worker --protocol-fd 3
        events: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw
        summary: 0
        fl=(1) ???
        fn=(1) main
        0 5 1
        totals: 99401014 27300320 23600216 124 39 10 124 39 7

        """

    @Test func readsTheTotalsOfTheProfile() throws {
        let totals = try #require(CallgrindTotals(profile: Self.profile))
        #expect(totals["Ir"] == 99_401_014)
        #expect(totals.l1DataMisses == 39 + 10)
        #expect(totals.lastLevelMisses == 124 + 39 + 7)
        #expect(totals.estimatedCycles == 99_401_014 + 10 * (124 + 39 + 10) + 100 * (124 + 39 + 7))
    }

    @Test func trailingZerosMayBeLeftOut() throws {
        let totals = try #require(CallgrindTotals(profile: "events: Ir D1mr D1mw\ntotals: 500\n"))
        #expect(totals["Ir"] == 500 && totals.l1DataMisses == 0)
    }

    @Test func aProfileWithoutTotalsIsNotRead() {
        #expect(CallgrindTotals(profile: "events: Ir\n") == nil)
        #expect(CallgrindTotals(profile: "") == nil)
    }

    @Test func bNIsCappedAndRoundedSoThatTimingNoiseDoesNotChangeIt() {
        // Fast workloads always get the cap, whatever the timed pass measured.
        #expect(InstructionPass.iterations(timedN: 50_000_000, nsPerOp: 8.3, fixed: false) == 100_000)
        #expect(InstructionPass.iterations(timedN: 30_000_000, nsPerOp: 12.9, fixed: false) == 100_000)
        // Slow ones within the time budget, rounded down to 1, 2 or 5 x 10^k.
        #expect(InstructionPass.iterations(timedN: 40_000, nsPerOp: 22_000, fixed: false) == 2_000)
        #expect(InstructionPass.iterations(timedN: 45_000, nsPerOp: 23_000, fixed: false) == 2_000)
        #expect(InstructionPass.iterations(timedN: 3, nsPerOp: 300_000_000, fixed: false) == 1)
        // Never more than the timed pass ran; a fixed b.N stays.
        #expect(InstructionPass.iterations(timedN: 700, nsPerOp: 1_000, fixed: false) == 500)
        #expect(InstructionPass.iterations(timedN: 60, nsPerOp: 9_500, fixed: true) == 60)
    }
}
