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

/// The call graph of a profile, as stacks for the flame graph.
@Suite struct CallgrindGraphTests {
    /// main calls work (twice) and helper; work calls malloc; helper calls work once.
    static let profile = """
        events: Ir Dr
        fn=(1) main
        10 100
        cfn=(2) work
        calls=2 20
        11 600
        cfn=(3) helper
        calls=1 30
        12 400
        fn=(2)
        20 500 7
        cfn=(4) malloc
        calls=4 40
        21 400
        fn=(3)
        30 100
        cfn=(2)
        calls=1 20
        31 300
        fn=(4)
        40 400
        """

    @Test func selfAndCallCostsAreKeptApart() {
        let graph = CallgrindGraph(profile: Self.profile)
        #expect(graph.names[2] == "work" && graph.names[4] == "malloc")
        #expect(graph.selfCost[1] == 100 && graph.selfCost[2] == 500 && graph.selfCost[4] == 400)
        #expect(graph.calls[1]?[2] == 600 && graph.calls[3]?[2] == 300 && graph.calls[2]?[4] == 400)
        #expect(graph.inclusive(1) == 1100)
    }

    @Test func stacksShareACalleeByWhatEachCallerSpentInIt() {
        let folded = CallgrindGraph(profile: Self.profile).foldedStacks(minimumShare: 0)
        let stacks = Dictionary(uniqueKeysWithValues: folded.split(separator: "\n").map { line -> (String, Int) in
            let space = line.lastIndex(of: " ")!
            return (String(line[..<space]), Int(line[line.index(after: space)...])!)
        })
        // work costs 900 in all (500 self, 400 in malloc): main's calls took 600 of it, helper's 300.
        #expect(stacks["main"] == 100)
        #expect(stacks["main;work"] == 333)
        #expect(stacks["main;work;malloc"] == 267)
        #expect(stacks["main;helper"] == 100)
        #expect(stacks["main;helper;work"] == 167)
        #expect(stacks["main;helper;work;malloc"] == 133)
        #expect(stacks.values.reduce(0, +) == 1100)
    }

    /// A call of f from f costs what the inner f's own lines cost, and those are f's self cost
    /// already: the graph's total is f's self cost, and no stack grows without end.
    @Test func recursionIsCutWhereAFunctionReappears() {
        let folded = CallgrindGraph(profile: "fn=(1) f\n1 60\ncfn=(1)\ncalls=1 1\n2 50\n").foldedStacks(minimumShare: 0)
        #expect(folded == "f 60\n")
    }
}
