import Foundation
import Testing

/// `bench why` on the real compiler's remarks: the BigStruct suite against a measured run.
@Suite(.serialized) struct WhyCommandTests {
    /// `bench why`'s output, one section per workload, keyed by its first line.
    static func sections(_ output: String) -> [String: String] {
        var result: [String: String] = [:]
        for section in output.components(separatedBy: "\n\n") {
            guard let name = section.split(separator: "\n").first else { continue }
            result[String(name)] = section
        }
        return result
    }

    /// The 1-based line of a file of the package that holds `text`.
    static func line(of text: String, in file: String) throws -> Int {
        let lines = try String(contentsOfFile: BenchCommand.packageRoot.appendingPathComponent(file).path, encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
        return try #require(lines.firstIndex { $0.contains(text) }) + 1
    }

    @Test func theBigStructRemarksMatchWhatTheRunMeasured() throws {
        let out = BenchCommand.scratch("why")
        let run = try BenchCommand.bench(["--filter", "^BigStruct/(CopyIt|PointerIt|PointerItManual|StackIt|StackIt2|StackIt3)$",
                                          "--allocators", "system", "--count", "1", "--benchtime", "1000x", "--out", out])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let why = try BenchCommand.bench(["why", "BigStruct", "--results", out])
        #expect(why.status == 0, "stderr: \(why.stderr)")
        let sections = Self.sections(why.stdout)

        let pointerIt = try #require(sections["BigStruct/PointerIt"])
        let allocatingLine = try Self.line(of: "BigStructObject(BigStruct.sample())", in: "Benchmarks/BigStruct/BigStruct.swift")
        #expect(pointerIt.contains("Benchmarks/BigStruct/BigStruct.swift:\(allocatingLine) [func pointerIt]"), "\(pointerIt)")
        #expect(pointerIt.contains("heap allocated ref of type 'BigStructObject'"))
        #expect(pointerIt.contains("compiler: 1 heap allocation site,"))
        #expect(pointerIt.contains("measured: 1.00 allocs/op"))
        #expect(pointerIt.contains("agrees: the compiler allocates on the heap"))

        let copyIt = try #require(sections["BigStruct/CopyIt"])
        #expect(!copyIt.contains("heap allocated"), "\(copyIt)")
        #expect(copyIt.contains("compiler: 0 heap allocation sites,"))
        #expect(copyIt.contains("agrees: no heap allocation on the workload's lines, and none measured"))

        let stackIt2 = try #require(sections["BigStruct/StackIt2"])
        let boxLine = try Self.line(of: "return IntBox(y * 2)", in: "Benchmarks/BigStruct/StackIt.swift")
        #expect(stackIt2.contains("Benchmarks/BigStruct/StackIt.swift:\(boxLine) [func stackIt2]"), "\(stackIt2)")
        #expect(stackIt2.contains("heap allocated ref of type 'IntBox'"))
        #expect(stackIt2.contains("measured: 1.00 allocs/op"))
        #expect(stackIt2.contains("agrees"))
        for name in ["BigStruct/StackIt", "BigStruct/StackIt3"] {
            let section = try #require(sections[name])
            #expect(section.contains("compiler: 0 heap allocation sites,"), "\(section)")
            #expect(section.contains("measured: 0.00 allocs/op"), "\(section)")
            #expect(section.contains("agrees"), "\(section)")
        }

        // The allocation is BenchKit's (malloc behind the Allocator interface), which this
        // module's remarks cannot show: the output says they disagree instead of hiding it.
        let manual = try #require(sections["BigStruct/PointerItManual"])
        #expect(manual.contains("DISAGREES: the run measured 1.00 allocs/op"), "\(manual)")
        // These tests measure the debug build; the report says so beside the release remarks.
        #expect(manual.contains("note: the run measured a debug build"))
    }

    @Test func anUnknownWorkloadIsAnInputError() throws {
        let why = try BenchCommand.bench(["why", "BigStruct/Nope"])
        #expect(why.status == 2)
        #expect(why.stderr.contains("no workload or suite named BigStruct/Nope; bench list shows them"))
    }
}
