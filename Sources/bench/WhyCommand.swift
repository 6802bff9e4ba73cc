import ArgumentParser
import BenchKit
import BenchReports
import BenchResults
import BenchRunner
import Foundation

/// `bench why`: the compiler's account of a workload's allocations (Go's `-gcflags -m`), next to
/// what a run measured.
struct WhyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "why",
        abstract: "Show where the compiler allocates on the heap (or the stack) in a workload, and what a run measured.",
        discussion: """
            Builds the workload's module in release with the compiler's assembly-vision remarks, in a build folder \
            of its own (.build/allocbench-why of the package that holds its sources), and prints the heap and stack \
            allocations, retains and releases at the lines the workload's body reaches, with their source. With \
            --results, the measured allocs/op and B/op are shown beside them, and a disagreement is said. See \
            docs/diagnostics.md.
            """)

    @Argument(help: "Workloads (Suite/Name) or whole suites (Suite).")
    var workloads: [String]

    @Option(name: .customLong("results"), help: "A results folder of bench run whose allocs/op and B/op to show beside the remarks.")
    var results: String?

    @Option(name: .customLong("plugin"), help: "A plugin executable whose workloads to explain too (repeatable); its package's sources must be where it was built.")
    var plugins: [String] = []

    func run() throws {
        let catalog = try WorkloadCatalog.load(
            builtins: BuiltinWorkloads.all.map(\.info), benchExecutable: benchExecutablePath(), plugins: plugins,
            scratchDirectory: FileManager.default.temporaryDirectory.path)
        let chosen = try Self.select(workloads, from: catalog.workloads.map(\.info))
        let data = try results.map { try RunData.load([$0]) }
        var builds: [String: (remarks: [CompilerRemark], sources: [String: SwiftSourceText])] = [:]
        for info in chosen {
            guard let source = info.source else {
                throw InputError("\(info.fullName) does not say where it is defined: rebuild its plugin against this BenchKit")
            }
            let build = try RemarkBuild.locate(file: source.file)
            // One compile per target, however many of its workloads are asked for.
            let key = "\(build.packageRoot)/\(build.target)"
            if builds[key] == nil {
                printToStandardError("bench why: compiling \(build.target) with the compiler's remarks (\(build.buildPath))")
                let output = try build.compile()
                var texts: [String: SwiftSourceText] = [:]
                for path in build.sources {
                    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
                    texts[path] = SwiftSourceText(path: path, text: text)
                }
                builds[key] = (CompilerRemark.parse(output), texts)
            }
            guard let (remarks, texts) = builds[key] else { continue }
            let scope = try WorkloadScope.resolve(workload: info.fullName, source: source, files: Array(texts.values))
            let report = WhyReport(workload: info.fullName, scope: scope, remarks: remarks,
                                   measured: data.flatMap { WhyReport.Measured.from($0, workload: info.fullName) })
            print(report.render(sources: texts, root: build.packageRoot))
        }
    }

    /// The workloads the arguments name, in catalog order; a name that matches nothing is an error.
    static func select(_ names: [String], from infos: [WorkloadInfo]) throws(InputError) -> [WorkloadInfo] {
        for name in names where !infos.contains(where: { $0.fullName == name || $0.suite == name }) {
            if name == Program.suite || name.hasPrefix(Program.suite + "/") {
                throw InputError("\(name) is a program, whose code bench did not compile: bench why reads Swift workloads' "
                    + "compiler remarks; a program's allocations per op are in its run's rows (docs/programs.md)")
            }
            throw InputError("no workload or suite named \(name); bench list shows them")
        }
        return infos.filter { info in names.contains { $0 == info.fullName || $0 == info.suite } }
    }
}
