import ArgumentParser
import BenchKit
import BenchReports
import BenchResults
import BenchRunner
import Foundation

/// `bench`: measures what allocations cost, one worker process per cell, on every allocator.
@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure what allocations cost, on every allocator, one process per measurement.",
        discussion: "Run with no arguments to measure the default suite on every installed allocator.",
        subcommands: [RunCommand.self, ReportCommand.self, CompareCommand.self, WhyCommand.self, ListCommand.self, WorkerCommand.self],
        defaultSubcommand: RunCommand.self)

    /// Bad input is one line on standard error and exit status 2; a run whose cells failed exits 1.
    static func main() {
        ReleaseBuild.handOverIfDebug(arguments: Array(CommandLine.arguments.dropFirst()))
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as InputError {
            fail(error.message)
        } catch let error as ExitCode {
            Foundation.exit(error.rawValue)
        } catch {
            switch exitCode(for: error) {
            case .success:
                exit(withError: error) // --help and friends
            case .validationFailure:
                fail("\(message(for: error)) (see bench --help)")
            default:
                // Not the input and not a cell: the run's own files (a full disk, a folder removed
                // mid-run). Exit 3, with the reason in words; every finished row is on disk.
                printToStandardError("error: \(describe(error))")
                Foundation.exit(3)
            }
        }
    }

    /// An I/O error in one line: the file and the system's reason, not an NSError dump.
    static func describe(_ error: Error) -> String {
        if let cocoa = error as? CocoaError {
            let path = cocoa.filePath ?? cocoa.url?.path ?? "a file"
            let reason = (cocoa.underlying as? POSIXError).map { String(cString: strerror($0.code.rawValue)) }
                ?? cocoa.localizedDescription
            return "cannot write or read \(path): \(reason)"
        }
        if let posix = error as? POSIXError {
            return "a file of the run could not be written: \(String(cString: strerror(posix.code.rawValue)))"
        }
        return message(for: error)
    }

    static func fail(_ message: String) -> Never {
        printToStandardError("error: \(message)")
        Foundation.exit(2)
    }
}

func printToStandardError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// The path of the running `bench` executable, which serves as the worker of built-in workloads.
func benchExecutablePath() -> String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
}

/// The folder of this package's build products, where `bench` lives: libBenchCount.so and
/// libgoalloc.so are built next to it.
func productsFolder() -> String {
    URL(fileURLWithPath: benchExecutablePath()).deletingLastPathComponent().path
}
