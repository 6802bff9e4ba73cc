#if canImport(Glibc)
import Glibc
#endif
import BenchKit
import BenchResults
import CBenchRunner
import Foundation

/// Why a worker process gave no usable reply.
public enum WorkerFailure: Error, Equatable, Sendable {
    /// Killed by a signal (a crash: SIGSEGV, SIGILL from a Swift trap, SIGABRT, ...).
    case crashed(signal: Int32)
    /// Exited with a non-zero status.
    case exited(status: Int32)
    /// Still running at the deadline (`limit` names it: `--timeout`); it was killed.
    case timedOut(seconds: Double, limit: String)
    /// It answered, but not with a result (an unknown workload, a refused pass, a protocol mismatch).
    case refused(String)
    /// It could not be started.
    case spawnFailed(String)

    /// The `status` column of a failed row.
    public var status: CellStatus {
        switch self {
        case .crashed: .crashed
        case .timedOut: .timeout
        case .exited, .refused, .spawnFailed: .failed
        }
    }

    /// One line for the `error` column.
    public var message: String {
        switch self {
        case .crashed(let signal): "killed by signal \(signal) (\(signalName(signal)))"
        case .exited(let status): "exited with status \(status)"
        case .timedOut(let seconds, let limit):
            "still running after \(GoDuration.format(nanoseconds: Int64(seconds * 1e9))) (\(limit)); killed with its process group"
        case .refused(let reason): reason
        case .spawnFailed(let reason): "could not start the worker: \(reason)"
        }
    }
}

func signalName(_ signal: Int32) -> String {
    let names: [Int32: String] = [SIGSEGV: "SIGSEGV", SIGBUS: "SIGBUS", SIGILL: "SIGILL", SIGABRT: "SIGABRT",
                                  SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGTERM: "SIGTERM", SIGTRAP: "SIGTRAP"]
    return names[signal] ?? (strsignal(signal).map { String(cString: $0) } ?? "signal \(signal)")
}

/// Starts a worker process, hands it one request, and waits for its reply and its exit.
///
/// The worker (a ``Subprocess``) gets the protocol socket as fd 3, standard input from /dev/null,
/// and standard output and error in `logPath` (so a workload's prints are kept, and the tail of a
/// crash message can go into the error column). It runs in a process group of its own, so that a
/// timeout kills whatever the worker started too; the runner forwards its own termination to that
/// group (``WorkerGroups``), and the worker ends itself when the runner dies
/// (``WorkerEntry``'s parent-death signal).
struct WorkerProcess {
    var executable: String
    var arguments: [String]
    /// Libraries for LD_PRELOAD, in order; empty runs the process as the system builds it.
    var preload: [String]
    var logPath: String

    /// Runs the worker to completion within `timeoutNs` (start to exit); `limit` names that limit
    /// in the error when it runs out.
    func exchange(_ request: WorkerRequest, timeoutNs: Int64, limit: String = "--timeout") -> Result<WorkerReply, WorkerFailure> {
        let deadline = monotonicNanoseconds() + UInt64(max(timeoutNs, 0))
        guard let (runnerEnd, childEnd) = Self.socketPair() else {
            return .failure(.spawnFailed("socketpair: \(String(cString: strerror(errno)))"))
        }
        defer { close(runnerEnd) }

        let child: Subprocess
        switch Subprocess.spawn(executable, arguments: arguments, preload: preload, descriptors: .init(
            standardOutput: logPath, passed: (childEnd, WorkerProtocol.conventionalFD))) {
        case .success(let spawned): child = spawned
        case .failure(let failure):
            close(childEnd)
            return .failure(failure)
        }
        close(childEnd)

        var channel = MessageChannel(fd: runnerEnd)
        var reply: WorkerReply?
        var readFailure: MessageChannel.ReadError?
        do {
            try channel.send(request)
            reply = try channel.receive(WorkerReply.self, deadline: deadline)
        } catch let error as MessageChannel.ReadError {
            readFailure = error
        } catch {
            readFailure = .closed // the worker died before reading the request
        }

        guard let status = child.wait(deadline: readFailure == .timedOut ? 0 : deadline) else {
            return .failure(.timedOut(seconds: Double(timeoutNs) / 1e9, limit: limit))
        }
        if let signal = status.signal { return .failure(.crashed(signal: signal)) }
        if status.code != 0 { return .failure(.exited(status: status.code)) }
        if case .malformed(let reason) = readFailure { return .failure(.refused(reason)) }
        guard let reply else { return .failure(.refused("the worker exited without replying")) }
        if case .failure(let reason) = reply { return .failure(.refused(reason)) }
        return .success(reply)
    }

    /// The protocol's socket: the runner's end, and the child's, kept away from fd 3 so that dup2
    /// onto 3 always clears close-on-exec.
    private static func socketPair() -> (runner: Int32, child: Int32)? {
        var sockets: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &sockets) == 0 else { return nil }
        let childEnd = fcntl(sockets[1], F_DUPFD_CLOEXEC, 10)
        close(sockets[1])
        return (sockets[0], childEnd)
    }
}
