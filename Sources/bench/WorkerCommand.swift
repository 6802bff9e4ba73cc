import ArgumentParser
import BenchKit
import BenchReports
import BenchResults
import BenchRunner
import Foundation

/// The worker side of `bench run`: started once per pass of a cell, never by hand.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Serve one request from the runner (internal).", shouldDisplay: false)

    /// The worker's command line is read by the protocol's own parser (the one plugins use), so
    /// this only lets ArgumentParser accept it.
    @Argument(parsing: .captureForPassthrough)
    var arguments: [String] = []

    func run() throws {
        guard let fd = WorkerProtocol.protocolFD(in: CommandLine.arguments.dropFirst()) else {
            throw InputError("bench worker is started by bench run, never by hand")
        }
        Foundation.exit(WorkerEntry.serve(protocolFD: fd, workloads: BuiltinWorkloads.all))
    }
}
