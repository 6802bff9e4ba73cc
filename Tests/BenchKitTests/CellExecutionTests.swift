import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import BenchKit

/// Runs workloads inside the test process, as a worker's timed pass would.
@Suite struct CellExecutionTests {
    func run(_ body: @escaping @Sendable (B) -> Void, benchTime: BenchTime) throws -> CellResult {
        let workload = Workload(suite: "Test", name: "Body", summary: "", body: body)
        let request = CellRequest(workload: workload.fullName, allocator: .system, threads: 1, pass: .timed(benchTime))
        return try CellExecution(workload: workload, request: request).run()
    }

    @Test func growsNLikeGoUntilARunTakesTheBenchTime() throws {
        let goal: Int64 = 20_000_000
        let result = try run({ b in
            for i in 0..<b.n { b.blackHole(i &* 31) }
        }, benchTime: .duration(nanoseconds: goal))
        let n = result.iterations
        #expect(n.first == 1)
        for (previous, next) in zip(n, n.dropFirst()) {
            #expect(next > previous)
            #expect(next <= 100 * previous)
        }
        #expect(result.elapsedNs >= UInt64(goal) || result.n == IterationPlanner.maxIterations)
        #expect(n.count >= 3)
    }

    @Test func aFixedCountRunsOnceThenExactlyThatMany() throws {
        let result = try run({ b in for i in 0..<b.n { b.blackHole(i) } }, benchTime: .iterations(5000))
        #expect(result.iterations == [1, 5000])
        #expect(result.n == 5000)
    }

    @Test func stoppedTimeIsNotMeasured() throws {
        let result = try run({ b in
            b.stopTimer()
            usleep(30_000)
            b.startTimer()
            for i in 0..<b.n { b.blackHole(i) }
        }, benchTime: .iterations(10))
        #expect(result.elapsedNs < 30_000_000)
    }

    @Test func resetTimerDiscardsSetupAndMetrics() throws {
        let result = try run({ b in
            b.reportMetric("setup/op", 1)
            usleep(30_000)
            b.resetTimer()
            for i in 0..<b.n { b.blackHole(i) }
            b.reportMetric("items/op", 3)
        }, benchTime: .iterations(10))
        #expect(result.elapsedNs < 30_000_000)
        #expect(result.metrics == ["items/op": 3])
    }

    @Test func theTimedPassCountsNothingAndReportsNativeStatsAndProcessFigures() throws {
        let result = try run({ b in
            for _ in 0..<b.n {
                let block = b.allocator.allocate(byteCount: 64)
                b.blackHole(block)
                b.allocator.deallocate(block, byteCount: 64)
            }
        }, benchTime: .iterations(1000))
        #expect(result.counts == nil) // no interposer in this process
        #expect(result.memStats[.heapSys] != nil)
        #expect((result.process.peakRSSBytes ?? 0) > 0)
        #expect(result.allocatorVersion.hasPrefix("glibc"))
    }

    @Test func aFixedIterationCountWinsOverTheBenchTime() throws {
        let workload = Workload(suite: "Test", name: "Ticks", summary: "", fixedIterations: 60) { b in
            for i in 0..<b.n { b.blackHole(i) }
        }
        let request = CellRequest(workload: workload.fullName, allocator: .system, threads: 1,
                                  pass: .timed(.duration(nanoseconds: 50_000_000)))
        #expect(try CellExecution(workload: workload, request: request).run().iterations == [1, 60])
    }

    @Test func memStatsSamplesOfTheLastRunFormItsSeries() throws {
        let result = try run({ b in
            for _ in 0..<b.n { b.recordMemStatsSample() }
        }, benchTime: .iterations(3))
        let series = try #require(result.series)
        #expect(series.count == 3)
        #expect(series.allSatisfy { $0[.heapAlloc] != nil && $0[.mallocs] == nil }) // glibc's own fields only
        #expect(try run({ b in for i in 0..<b.n { b.blackHole(i) } }, benchTime: .iterations(3)).series == nil)
    }

    @Test func samplesBeyondTheReservedOnesAreKept() throws {
        let result = try run({ b in
            for _ in 0..<b.n {
                b.recordMemStatsSample()
                b.blackHole(b.elapsedNanoseconds)
            }
        }, benchTime: .iterations(B.reservedSamples + 10))
        // Samples beyond the reserved ones grow the series; all of them are kept.
        #expect(result.series?.count == B.reservedSamples + 10)
    }

    @Test func aFailedCheckFailsThePassWithTheFirstMessageAndTheCount() {
        #expect {
            try run({ b in
                b.fail("block 3 lost its stamp")
                b.fail("block 9 lost its stamp")
            }, benchTime: .iterations(5))
        } throws: { error in
            let message = (error as? CellExecution.Refusal)?.message ?? ""
            return message.contains("at b.N=1") && message.contains("block 3 lost its stamp (and 1 more failures)")
        }
    }

    @Test func theCountingPassRefusesToRunWithoutTheInterposer() {
        let workload = Workload(suite: "Test", name: "Body", summary: "") { _ in }
        let request = CellRequest(workload: workload.fullName, allocator: .system, threads: 1, pass: .counting(iterations: [1, 10]))
        #expect(throws: CellExecution.Refusal.self) { try CellExecution(workload: workload, request: request).run() }
    }
}
