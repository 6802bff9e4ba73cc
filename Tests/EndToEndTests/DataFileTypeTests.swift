import Foundation
import Testing

/// The run folder's CSV files load into data tools with one type per column, run after run: a
/// measurement that happens to be a whole number is still written as a float.
@Suite(.serialized) struct DataFileTypeTests {
    @Test func everyColumnKeepsItsTypeAcrossRuns() throws {
        var folders: [String] = []
        for filter in ["^Fixtures/EveryOtherOp$", "^Fixtures/Noisy$", "^Fixtures/(Crash|SetupExcluded)$"] {
            let out = BenchCommand.scratch("types")
            let run = try BenchCommand.bench(["run", "--plugin", BenchCommand.fixtures, "--filter", filter, "--allocators", "system",
                                              "--count", "1", "--benchtime", "100x", "--out", out])
            #expect(run.status == 0 || filter.contains("Crash"), "\(filter): \(run.stderr)")
            folders.append(out)
        }
        let script = BenchCommand.packageRoot.appendingPathComponent("scripts/check-csv-types.py").path
        let check = try BenchCommand.run("/usr/bin/env", ["python3", script] + folders)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        // The fractional run and the whole-number runs agree because whole numbers are written as floats.
        let runs = try String(contentsOfFile: folders[1] + "/runs.csv", encoding: .utf8)
        #expect(runs.contains(",48.0,1.0,ok,"), "\(runs.prefix(600))")
    }
}
