#if canImport(Glibc)
import Glibc
#endif
import CBenchKit

/// The worker side of the protocol: serves one request from the runner, then the process exits.
///
/// `bench worker` calls this with the built-in workloads; a plugin executable calls it through
/// ``BenchPlugin/main(workloads:)`` with its own.
public enum WorkerEntry {
    /// Reads one ``WorkerRequest`` from `fd`, answers it, and returns the process exit status.
    public static func serve(protocolFD fd: Int32, workloads: [Workload]) -> Int32 {
        benchkit_die_with_parent() // a worker never outlives its runner
        var channel = MessageChannel(fd: fd)
        let request: WorkerRequest
        do {
            request = try channel.receive(WorkerRequest.self)
        } catch {
            printError("worker: cannot read the runner's request on fd \(fd): \(error)")
            return 3
        }
        let reply: WorkerReply
        switch request {
        case .listWorkloads:
            reply = .workloads(workloads.map(\.info))
        case .run(let cell):
            if let workload = workloads.first(where: { $0.fullName == cell.workload }) {
                do {
                    reply = .result(try CellExecution(workload: workload, request: cell).run())
                } catch {
                    reply = .failure(error.message)
                }
            } else {
                reply = .failure("this executable has no workload named \(cell.workload)")
            }
        }
        do {
            try channel.send(reply)
        } catch {
            printError("worker: cannot send the reply: \(error)")
            return 3
        }
        return 0
    }
}

/// The entry point of a plugin executable: an executable built against BenchKit whose workloads
/// `bench run --plugin PATH` lists and runs exactly like the built-in ones.
///
///     // Sources/my-plugin/main.swift
///     import BenchKit
///     BenchPlugin.main(workloads: [
///         Workload(suite: "Mine", name: "Box", summary: "allocates one 64-byte block") { b in
///             for _ in 0..<b.n {
///                 let p = b.allocator.allocate(byteCount: 64)
///                 b.blackHole(p)
///                 b.allocator.deallocate(p, byteCount: 64)
///             }
///         },
///     ])
public enum BenchPlugin {
    /// Serves the runner when started as `PATH worker --protocol-fd N`; otherwise explains how to
    /// run the plugin and exits with status 2.
    public static func main(workloads: [Workload]) -> Never {
        if let fd = WorkerProtocol.protocolFD(in: CommandLine.arguments.dropFirst()) {
            exit(WorkerEntry.serve(protocolFD: fd, workloads: workloads))
        }
        let name = CommandLine.arguments.first ?? "plugin"
        printError("\(name) is an AllocBench plugin with \(workloads.count) workloads; run them with: bench run --plugin \(name)")
        exit(2)
    }
}

func printError(_ message: String) {
    let bytes = Array((message + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
}
