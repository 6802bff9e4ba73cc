import Foundation
import Testing

/// scripts/line-handoffs.sh, the count of cache lines malloc hands a thread that another thread
/// wrote last, on its check program (scripts/line-handoffs/check.c): a second thread frees 64
/// blocks of 4 KiB the main thread filled, then allocates 64 of its own.
@Suite struct LineHandoffsTests {
    static let script = BenchCommand.packageRoot.appendingPathComponent("scripts/line-handoffs.sh").path
    static let check = BenchCommand.packageRoot.appendingPathComponent("scripts/line-handoffs/check.c").path

    /// Each block the second thread gets back from the main thread's 64 hands over its 63 lines
    /// but the first (which the second thread wrote when it freed the block); glibc returns the
    /// blocks to the main thread's arena, GoAlloc's thread cache keeps what its thread frees.
    @Test(arguments: [("system", ""), ("go", PreloadedGoAllocTests.embeddedLibrary)])
    func everyLineOfAReusedBlockButTheFirstIsHandedOver(allocator: String, library: String) throws {
        if !library.isEmpty {
            try #require(FileManager.default.fileExists(atPath: library), "\(library) is not built: make test builds it")
        }
        let folder = BenchCommand.scratch("line-handoffs")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let program = folder + "/check"
        let build = try BenchCommand.run("/usr/bin/env", ["cc", "-O2", "-pthread", "-o", program, Self.check])
        try #require(build.status == 0, "\(build.stderr)")

        let alone = try BenchCommand.run(program, [], environment: library.isEmpty ? [:] : ["LD_PRELOAD": library])
        let reused = try #require(Int(alone.stderr.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""))
        #expect(reused == (allocator == "go" ? 64 : 0))

        let counted = try BenchCommand.run(Self.script, [program, "\(allocator)=\(library)"])
        #expect(counted.status == 0, "\(counted.stderr)")
        let row = try #require(counted.stdout.split(separator: "\n").last).split(separator: " ")
        #expect(row.first.map(String.init) == allocator)
        #expect(row.count == 5 && Int(row[3]) == 63 * reused, "\(counted.stdout)")
    }

    @Test func aProgramThatFailsIsAnErrorNotACount() throws {
        let result = try BenchCommand.run(Self.script, ["/bin/false", "system="])
        #expect(result.status == 1)
        #expect(result.stderr.contains("system: the program failed or printed no count"))
    }
}
