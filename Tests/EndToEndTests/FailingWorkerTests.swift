import Foundation
import Testing
import BenchKit
import BenchReports
import BenchResults

/// A worker that crashes, hangs or exits non-zero becomes a failed row, and the run goes on.
@Suite(.serialized) struct FailingWorkerTests {
    @Test func crashesHangsAndExitsAreRecordedAndTheRunGoesOn() throws {
        let out = BenchCommand.scratch("failing")
        let result = try BenchCommand.bench([
            "run", "--plugin", BenchCommand.fixtures, "--filter", "^Fixtures/(Crash|Hang|ExitNonZero|FailsCheck|Noisy)$",
            "--allocators", "system", "--count", "1", "--benchtime", "100x", "--timeout", "3s", "--out", out,
        ])
        #expect(result.status == 1, "a run with failed cells exits 1")
        #expect(result.stdout.contains("4 of 5 cells failed"))

        let rows = try BenchCommand.rows(in: out)
        #expect(rows.count == 5)
        let byName = Dictionary(uniqueKeysWithValues: rows.map { ($0.workload, $0) })

        let crash = try #require(byName["Crash"])
        #expect(crash.status == .crashed)
        #expect(crash.error.contains("timed pass: killed by signal"))
        #expect(crash.error.contains("Index out of range"), "the crash message is kept: \(crash.error)")
        #expect(crash.nsPerOp == nil)

        let hang = try #require(byName["Hang"])
        #expect(hang.status == .timeout)
        #expect(hang.error.contains("still running after 3s (--timeout); killed"))

        let exit = try #require(byName["ExitNonZero"])
        #expect(exit.status == .failed)
        #expect(exit.error.contains("exited with status 7"))

        // A workload that finds its data corrupted (b.fail, from any thread) fails its cell.
        let check = try #require(byName["FailsCheck"])
        #expect(check.status == .failed)
        #expect(check.error.contains("timed pass: the workload failed at b.N=1: block "))
        #expect(check.error.contains("lost its stamp (and 1 more failures)"))
        #expect(check.nsPerOp == nil)

        // Prints on stdout and stderr do not disturb the protocol; they are kept in logs/.
        let noisy = try #require(byName["Noisy"])
        #expect(noisy.status == .ok)
        #expect(noisy.allocsPerOp == 1)
        #expect(noisy.bytesPerOp == 48)
        #expect(noisy.metrics["widgets/op"] == 2.5)
        let logs = try FileManager.default.contentsOfDirectory(atPath: out + "/logs")
        #expect(logs.contains { $0.contains("Noisy") && $0.hasSuffix("-timed.log") })

        // Every finished cell is on disk, with a summary and a benchstat file beside it.
        for file in ["summary.csv", "bench.txt", "params.json"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + file))
        }
    }
}
