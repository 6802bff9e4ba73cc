import Foundation
import Testing
@testable import BenchKit
@testable import BenchResults
@testable import BenchRunner

/// Program declarations: the file format, `--program`, the checks made before any work, and the
/// built-in suite's files.
@Suite struct ProgramTests {
    /// A folder holding one program file with `json` as its text.
    func folder(with json: String, file: String = "p.json") throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("allocbench-programs-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try json.write(toFile: "\(folder)/\(file)", atomically: true, encoding: .utf8)
        return folder
    }

    func loadError(_ json: String) throws -> String {
        let folder = try folder(with: json)
        do {
            _ = try ProgramCatalog.load(folder: folder, adHoc: [], products: "/nowhere")
        } catch {
            return error.message
        }
        return "no error"
    }

    @Test func aDeclarationIsReadWithItsPlaceholdersAndInputs() throws {
        let folder = try folder(with: "", file: "input.txt")
        try """
            {"name": "Echo", "summary": "s", "command": ["cat", "{dir}/input.txt", "{threads}"], "stdin": "input.txt",
             "ops": 10, "timeout": "5s", "compareLines": "^x", "environment": {"K": "{scratch}"}}
            """.write(toFile: "\(folder)/echo.json", atomically: true, encoding: .utf8)
        let catalog = try ProgramCatalog.load(folder: folder, adHoc: [], products: "/p")
        let (program, reason) = try #require(catalog.programs.first)
        #expect(reason == nil)
        #expect(program.command[0].hasSuffix("/cat") && program.command[0].hasPrefix("/"))
        #expect(program.standardInput == "\(folder)/input.txt")
        #expect(program.ops == 10 && program.timeout == Timeout(nanoseconds: 5_000_000_000))
        #expect(program.isParallel && program.info.fullName == "Programs/Echo" && program.info.threading == .parallel)
        #expect(program.expand("{dir}/{threads}/{scratch}/{products}", products: "p", threads: 4, scratch: "s") == "\(folder)/4/s/p")
        #expect(program.checkedOutput("x1\ny\nx2") == "x1\nx2")
    }

    @Test func aMisspeltKeyIsRefusedNotIgnored() throws {
        #expect(try loadError(#"{"name": "A", "command": ["true"], "comapre": "none"}"#).contains(#"unknown key "comapre""#))
    }

    @Test(arguments: [
        (#"{"name": "A", "command": []}"#, "command is empty"),
        (#"{"name": "A b", "command": ["true"]}"#, "must be letters, digits"),
        (#"{"name": "A", "command": ["true"], "ops": 0}"#, "ops must be a positive count"),
        (#"{"name": "A", "command": ["true"], "timeout": "soon"}"#, "timeout 'soon'"),
        (#"{"name": "A", "command": ["true"], "compare": "stderr"}"#, "compare 'stderr'"),
        (#"{"name": "A", "command": ["true"], "compareLines": "("}"#, "not a valid regular expression"),
        (#"{"name": "A", "command": ["true"], "stdin": "missing.sql"}"#, "missing.sql is missing"),
        (#"{"name": "A"}"#, #"the key "command" is missing"#),
        (#"{"name": "A", "command": ["/no/such/tool"]}"#, "/no/such/tool not found (no executable file there)"),
    ])
    func aBadDeclarationIsOneLineThatSaysWhat(json: String, expected: String) throws {
        let message = try loadError(json)
        #expect(message.contains(expected), "\(message)")
        #expect(!message.contains("\n"))
    }

    /// A program from a Debian package that is not installed is kept with the reason, to be skipped with a warning.
    @Test func aMissingPackagedProgramIsSkippedNotFatal() throws {
        let folder = try folder(with: #"{"name": "A", "command": ["no-such-tool-here"], "package": "no-such-package"}"#)
        let catalog = try ProgramCatalog.load(folder: folder, adHoc: [], products: "/p")
        #expect(catalog.programs.first?.unavailableReason?.contains("apt-get install no-such-package") == true)
    }

    @Test func adHocProgramsSplitTheirCommandAsAShellWould() throws {
        let program = try Program.adHoc(#"mine=/bin/sh -c 'echo "a b"' x\ y"#, products: "/p")
        #expect(program.name == "mine" && program.command == ["/bin/sh", "-c", #"echo "a b""#, "x y"])
        #expect(program.check == .stdout && program.declaredIn == nil)
        #expect(throws: InputError.self) { try Program.adHoc("noequals", products: "/p") }
        #expect(throws: InputError.self) { try Program.adHoc("x=sh -c 'open", products: "/p") }
    }

    @Test func programsSkipGoGCWhoseMallocIsGos() throws {
        let program = try Program.adHoc("t=/bin/true", products: "/p")
        let workload = PlannedWorkload(info: program.info, executable: "/bin/true", isPlugin: true, program: program)
        let go = AllocatorAvailability(name: .go, library: "/l/libgoalloc.so", unavailableReason: nil)
        let goGC = AllocatorAvailability(name: .goGC, library: "/l/libgoalloc.so", unavailableReason: nil)
        let cells = Plan.cells(workloads: [workload], allocators: [go, goGC], threads: [1], count: 2)
        #expect(cells.map(\.allocator.name) == [.go, .go])
        #expect(try RunConfiguration.plannedCells(workloads: [workload], allocators: [go, goGC], threads: 1, count: 2) == 2)
    }

    @Test func theOutputCheckNamesTheFirstDifferentLine() {
        var outputs = ProgramOutputs()
        let cell = { (allocator: String) in CellKey(suite: "Programs", workload: "W", allocator: allocator, threads: 1, host: "h") }
        #expect(outputs.check("a\nb\nc", of: cell("system")) == .reference)
        #expect(outputs.check("a\nb\nc", of: cell("jemalloc")) == .same)
        #expect(outputs.check("a\nB\nc", of: cell("go")) == .differs("output differs from system's at line 2: 'B' instead of 'b'"))
        #expect(outputs.check("a\nb", of: cell("mimalloc")) == .differs("output differs from system's at line 3: nothing instead of 'c'"))
    }

    /// Every file of the built-in suite is a valid declaration, and its C programs compile.
    @Test func theBuiltInSuiteIsValid() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Benchmarks/Programs")
            .standardizedFileURL.path
        let products = FileManager.default.temporaryDirectory.appendingPathComponent("allocbench-built-\(UUID())").path
        let catalog = try ProgramCatalog.load(folder: folder, adHoc: [], products: products)
        #expect(catalog.programs.count >= 10, "the real programs and the C stress programs")
        for (program, _) in catalog.programs {
            #expect(program.summary.count > 20, "\(program.name) says what it stresses")
            if let source = program.source {
                let binary = try CProgram.build(source, named: URL(fileURLWithPath: program.command[0]).lastPathComponent, products: products)
                #expect(binary == program.command[0] && FileManager.default.isExecutableFile(atPath: binary), "\(program.name) compiled")
            }
        }
        #expect(catalog.programs.filter { $0.program.source != nil }.count == 5, "the five C stress programs")
    }

    /// A C program is compiled again when a header it may include changes, not only its source.
    @Test func aCProgramIsRebuiltWhenItsHeaderChanges() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("allocbench-cprogram-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder + "/p", withIntermediateDirectories: true)
        try "#define ANSWER 41\n".write(toFile: folder + "/common.h", atomically: true, encoding: .utf8)
        try "#include <stdio.h>\n#include \"../common.h\"\nint main(void) { printf(\"%d\\n\", ANSWER); return 0; }\n"
            .write(toFile: folder + "/p/main.c", atomically: true, encoding: .utf8)
        let binary = try CProgram.build(folder + "/p/main.c", named: "p", products: folder + "/products")
        #expect(Subprocess.run([binary]).text == "41\n")
        let built = try FileManager.default.attributesOfItem(atPath: binary)[.modificationDate] as! Date
        try "#define ANSWER 42\n".write(toFile: folder + "/common.h", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: built.addingTimeInterval(2)], ofItemAtPath: folder + "/common.h")
        #expect(try CProgram.build(folder + "/p/main.c", named: "p", products: folder + "/products") == binary)
        #expect(Subprocess.run([binary]).text == "42\n")
    }
}

@Suite struct AllocatorSelectionTests {
    @Test func aLibraryOfOnesOwnIsNamedWithItsPath() throws {
        let selection = try AllocatorSelection(parsing: "system,tbb=/usr/lib/libtbbmalloc_proxy.so.2,go")
        #expect(selection.names.map(\.rawValue) == ["system", "tbb", "go"])
        #expect(selection.libraries[AllocatorName(rawValue: "tbb")!] == "/usr/lib/libtbbmalloc_proxy.so.2")
        #expect(selection.description == "system,tbb=/usr/lib/libtbbmalloc_proxy.so.2,go")
    }

    @Test(arguments: ["jemalloc=/x.so", "tb b=/x.so", "tbb=", "glibcc", "-x=/x.so"])
    func aBadAllocatorIsRefused(text: String) {
        #expect(throws: InputError.self) { try AllocatorSelection(parsing: text) }
    }

    @Test func aLibraryThatIsNotThereIsUnavailable() {
        let allocator = AllocatorCatalog.library(AllocatorName(rawValue: "x")!, at: "/no/such/lib.so")
        #expect(!allocator.isAvailable && allocator.unavailableReason!.contains("/no/such/lib.so"))
    }
}

/// The histograms a program's processes write at exit (`<pid>.latency`), merged over the tree.
@Suite struct ProgramLatencyFileTests {
    @Test func theTreesHistogramsAreMergedAndACutFileIsLeftOut() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("allocbench-latency-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let maxLine = String(LatencyHistogram.bucketCount)
        // Two processes at 2 ticks a ns: 3 calls of 40 ticks and 1 of 101 (bucket 82, 100-101 ticks)
        // in the first, 2 of 40 in the second; one free of 60 ticks; an empty region of 50 ticks.
        try "2000 1000 50\n0 40 3\n0 82 1\n0 \(maxLine) 101\n1 60 1\n1 \(maxLine) 60\n"
            .write(toFile: folder + "/101.latency", atomically: true, encoding: .utf8)
        try "4000 2000 50\n0 40 2\n0 \(maxLine) 40\n".write(toFile: folder + "/102.latency", atomically: true, encoding: .utf8)
        try "".write(toFile: folder + "/103.latency", atomically: true, encoding: .utf8) // killed while writing
        try "7 7 700 7000\n".write(toFile: folder + "/101", atomically: true, encoding: .utf8) // the totals beside
        let latency = try #require(ProgramPasses.latency(in: folder))
        #expect(latency.alloc.count == 6 && latency.free.count == 1)
        #expect(latency.alloc.value(atQuantile: 0.5) == 20, "the median call: 40 ticks at 2 a ns")
        #expect(latency.alloc.maxNs == 50.5 && latency.free.maxNs == 30)
        #expect(latency.emptyRegionNs == 25)
        #expect(ProgramPasses.allocationCounts(in: folder) == AllocationCounts(mallocs: 7, frees: 7, bytesRequested: 700, bytesUsable: 7000),
                "the totals are read without the histograms")
    }
}
