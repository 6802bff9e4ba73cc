import Foundation
import Testing
import BenchKit
import BenchResults

/// The instruction pass (`--instructions`) on real workers under callgrind: counts that repeat
/// exactly, and a gate on them that timing could not give.
@Suite(.serialized) struct InstructionCountTests {
    /// Runs the Arithmetic fixture with `steps` xorshift steps per op, counting instructions.
    func arithmetic(steps: Int) throws -> String {
        let out = BenchCommand.scratch("instructions-\(steps)")
        let run = try BenchCommand.run(BenchCommand.bench, [
            "run", "--plugin", BenchCommand.fixtures, "--filter", "^Fixtures/Arithmetic$", "--allocators", "system",
            "--count", "2", "--benchtime", "2000x", "--instructions", "--out", out,
        ], environment: ["ALLOCBENCH_FIXTURE_STEPS": String(steps)])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        return out
    }

    /// A cell whose instruction pass fails is still measured: ok, its counts empty, `error` saying why.
    @Test func aFailedCountLeavesTheMeasurementOk() throws {
        let out = BenchCommand.scratch("instructions-abort")
        let run = try BenchCommand.bench(["run", "--plugin", BenchCommand.fixtures, "--filter", "^Fixtures/AbortsUnderValgrind$",
                                          "--allocators", "system", "--count", "1", "--benchtime", "100x", "--instructions",
                                          "--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        let row = try #require(try BenchCommand.rows(in: out).first)
        #expect(row.status == .ok && row.nsPerOp != nil && row.instructions == nil)
        #expect(row.error.hasPrefix("instructions pass: "), "\(row.error)")
    }

    @Test func countsRepeatAndAGateCatchesATwoPercentGrowth() throws {
        let base = try arithmetic(steps: 100)
        let again = try arithmetic(steps: 100)
        let grown = try arithmetic(steps: 102)

        let rows = try BenchCommand.rows(in: base)
        // The first repetition is counted; its profile is kept for callgrind_annotate.
        let counted = try #require(rows.first { $0.rep == 1 }?.instructions)
        #expect(rows.first { $0.rep == 2 }?.instructions == nil)
        #expect(counted.instructions > 100 * 6, "\(counted)")
        #expect(counted.estimatedCycles >= counted.instructions)
        let profiles = try FileManager.default.contentsOfDirectory(atPath: base + "/profiles").sorted()
        #expect(profiles == ["Fixtures-Arithmetic-system-t1.callgrind", "Fixtures-Arithmetic-system-t1.folded"])
        #expect(try String(contentsOfFile: base + "/bench.txt", encoding: .utf8).contains("Unit instructions/op assume=exact"))

        // Two processes, the same count.
        #expect(try BenchCommand.rows(in: again).first { $0.rep == 1 }?.instructions == counted)

        let same = try BenchCommand.bench(["compare", base, again, "--metrics", "instructions_per_op", "--threshold", "1%"])
        #expect(same.status == 0, "\(same.stdout)")
        let gate = try BenchCommand.bench(["compare", base, grown, "--metrics", "instructions_per_op", "--threshold", "1%"])
        #expect(gate.status == 1, "\(gate.stdout)")
        #expect(gate.stdout.contains("regression: Fixtures/Arithmetic system 1 instructions/op +"), "\(gate.stdout)")
        #expect(gate.stdout.contains("(exact)"))
    }
}
