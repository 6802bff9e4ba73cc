import BenchKit
import BenchReports
import BenchResults
import BenchRunner
import Foundation

/// Finds libBenchCount.so, the allocation counter that counting passes preload.
///
/// SwiftPM puts every product of a build in one folder, so the counter sits next to `bench`.
/// `swift run bench` builds only the `bench` product, though; when `bench` runs from a SwiftPM
/// build folder and the counter is missing, it is built there (one C file, about a second)
/// rather than failing a first run on a fresh clone.
enum CountingLibrary {
    static var expectedPath: String {
        URL(fileURLWithPath: productsFolder()).appendingPathComponent("libBenchCount.so").path
    }

    /// The library's path, built first if it is missing and can be built here.
    static func locate() -> String {
        let path = expectedPath
        guard !FileManager.default.isReadableFile(atPath: path), let build = buildCommand() else { return path }
        printToStandardError("bench: building the allocation counter: \(build.joined(separator: " "))")
        _ = Subprocess.run(build, standardError: .inherit, captureOutput: false)
        return path // validation reports it if the build did not produce it
    }

    /// `swift build` for this build folder, when `bench` lives in `<package>/.build/<triple>/<configuration>/`.
    static func buildCommand() -> [String]? {
        BuildFolder(products: productsFolder()).map { $0.buildCommand($0.kind, product: "BenchCount") }
    }
}
