import ArgumentParser
import BenchKit
import Foundation

/// The worker side of `bench run`: started once per pass of a cell, never by hand.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Serve one request from the runner (internal).", shouldDisplay: false)

    @Option(help: "The file descriptor of the protocol socket.")
    var protocolFd: Int32

    func run() throws {
        Foundation.exit(WorkerEntry.serve(protocolFD: protocolFd, workloads: BuiltinWorkloads.all))
    }
}
