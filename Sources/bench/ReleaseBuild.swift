import BenchKit
import BenchResults
import BenchRunner
import Foundation

/// `swift run bench` builds and runs a debug `bench`, and a debug build measures unoptimised
/// code (CopyIt at 110 ns/op instead of 12). So a debug `bench` asked to measure hands over to the
/// release build of the same package: it builds it (a no-op when it is up to date) and runs it
/// with the same arguments, saying so in one line. Where that cannot be done (a `bench` outside
/// a SwiftPM build folder, a failed build) the run goes on in debug, and `params.json`,
/// `bench.txt` and the report say that it did. `ALLOCBENCH_MEASURE_DEBUG=1` asks for that on
/// purpose (the end-to-end tests, which must not build a release tree under `swift test`).
enum ReleaseBuild {
    static let measureDebugVariable = "ALLOCBENCH_MEASURE_DEBUG"

    /// The subcommands that measure; the others read files or serve the runner.
    static let measuringCommands: Set<String> = ["run"]
    static let otherCommands: Set<String> = ["report", "compare", "why", "list", "worker", "help", "--help", "-h", "--version"]

    /// Replaces this process with the release `bench` when this one is a debug build asked to
    /// measure; returns when it does not (or cannot).
    static func handOverIfDebug(arguments: [String]) {
        guard BuildConfiguration.isDebug, ProcessInfo.processInfo.environment[measureDebugVariable] != "1" else { return }
        let first = arguments.first ?? "run"
        guard measuringCommands.contains(first) || !otherCommands.contains(first) else { return }
        guard let folder = BuildFolder(products: productsFolder()), folder.kind == .debug else {
            printToStandardError("bench: warning: this is a debug build, outside a SwiftPM build folder; measuring it anyway "
                + "(params.json, bench.txt and the report say so)")
            return
        }
        let release = RunFiles.path(folder.products(of: .release), "bench")
        printToStandardError("bench: this is a debug build, which measures unoptimised code; building and running the "
            + "release build instead: \(release)")
        let build = Subprocess.run(folder.buildCommand(.release), standardError: .inherit, captureOutput: false)
        guard build.status != -1 else {
            printToStandardError("bench: warning: could not start swift build; measuring the debug build")
            return
        }
        guard build.succeeded, FileManager.default.isExecutableFile(atPath: release) else {
            printToStandardError("bench: warning: the release build failed; measuring the debug build (params.json, "
                + "bench.txt and the report say so)")
            return
        }
        let argv = ([release] + arguments).map { strdup($0) } + [nil]
        execv(release, argv)
        printToStandardError("bench: warning: could not run \(release) (\(String(cString: strerror(errno)))); measuring the debug build")
    }
}
