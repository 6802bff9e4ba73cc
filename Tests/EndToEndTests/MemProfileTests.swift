import Foundation
import Testing
import BenchResults

/// `bench run --memprofile` on the BigStruct trio, through the real counting interposer and the
/// toolchain's symbolizer: where the article's allocations come from.
@Suite(.serialized) struct MemProfileTests {
    /// The folded stacks of a cell: (stack, allocations) per line.
    static func stacks(_ folder: String, _ cell: String) throws -> [(stack: String, count: UInt64)] {
        let text = try String(contentsOfFile: "\(folder)/\(RunFiles.allocationSites)/\(cell).folded", encoding: .utf8)
        return text.split(separator: "\n").map { line in
            let space = line.lastIndex(of: " ")!
            return (String(line[..<space]), UInt64(line[line.index(after: space)...])!)
        }
    }

    /// The line of `file` (under Benchmarks/BigStruct) that holds `text`, after the line that holds `after`.
    static func line(of text: String, after: String, in file: String) throws -> Int {
        let source = try String(contentsOf: BenchCommand.packageRoot.appendingPathComponent("Benchmarks/BigStruct/\(file)"),
                                encoding: .utf8).components(separatedBy: "\n")
        let start = try #require(source.firstIndex { $0.contains(after) })
        return try #require(source[start...].firstIndex { $0.contains(text) }) + 1
    }

    @Test func pointerItAndStackIt2AllocateOnTheirOwnLinesAndCopyItNowhere() throws {
        let out = BenchCommand.scratch("memprofile")
        let run = try BenchCommand.bench(["--filter", "^BigStruct/(CopyIt|PointerIt|StackIt2)$", "--allocators", "system",
                                          "--count", "1", "--benchtime", "20000x", "--memprofile", "--out", out])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let rows = Dictionary(uniqueKeysWithValues: try BenchCommand.rows(in: out).map { ($0.workload, $0) })

        for (workload, function, file, allocation) in [("PointerIt", "pointerIt()", "BigStruct.swift", "BigStructObject("),
                                                      ("StackIt2", "stackIt2()", "StackIt.swift", "IntBox(")] {
            let row = try #require(rows[workload])
            let stacks = try Self.stacks(out, "BigStruct-\(workload)-system-t1")
            let total = stacks.reduce(0) { $0 + $1.count }
            // The sites of the run are its counted allocations, every one of them.
            #expect(Double(total) == (row.allocsPerOp ?? 0) * Double(row.n ?? 0), "\(workload): \(total) sites")
            let top = try #require(stacks.max { $0.count < $1.count })
            #expect(Double(top.count) >= 0.99 * Double(total), "\(workload): one stack holds \(top.count) of \(total)")
            let line = try Self.line(of: allocation, after: "func \(function.dropLast(2))(", in: file)
            #expect(top.stack.contains("\(function) (\(file):\(line))"), "\(workload)'s stack: \(top.stack)")
            #expect(top.stack.contains("swift_allocObject"), "allocated by the Swift runtime: \(top.stack)")
            #expect(FileManager.default.fileExists(atPath: "\(out)/charts/allocs-BigStruct-\(workload)-system-t1.svg"))
        }
        #expect(try Self.stacks(out, "BigStruct-CopyIt-system-t1").isEmpty, "CopyIt allocates nothing")
        let report = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        #expect(report.contains("## Allocation sites"))
        #expect(report.contains("| BigStruct-CopyIt-system-t1 | no allocation while the timer ran |"))

        // Recording the sites changes nothing the cell counts.
        let plain = BenchCommand.scratch("memprofile-off")
        #expect(try BenchCommand.bench(["--filter", "^BigStruct/(PointerIt|StackIt2)$", "--allocators", "system", "--count", "1",
                                        "--benchtime", "20000x", "--out", plain]).status == 0)
        for row in try BenchCommand.rows(in: plain) {
            #expect(row.allocsPerOp == rows[row.workload]?.allocsPerOp && row.bytesPerOp == rows[row.workload]?.bytesPerOp,
                    "\(row.workload)")
        }
    }
}
