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

    @Test func theCountingPassRefusesToRunWithoutTheInterposer() {
        let workload = Workload(suite: "Test", name: "Body", summary: "") { _ in }
        let request = CellRequest(workload: workload.fullName, allocator: .system, threads: 1, pass: .counting(iterations: [1, 10]))
        #expect(throws: CellExecution.Refusal.self) { try CellExecution(workload: workload, request: request).run() }
    }
}
