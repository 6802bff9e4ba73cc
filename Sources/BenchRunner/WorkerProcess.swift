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
/// The worker gets the protocol socket as fd 3, standard input from /dev/null, and standard
/// output and error in `logPath` (so a workload's prints are kept, and the tail of a crash
/// message can go into the error column). It runs in a process group of its own, so that a
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
        var sockets: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &sockets) == 0 else {
            return .failure(.spawnFailed("socketpair: \(String(cString: strerror(errno)))"))
        }
        let runnerEnd = sockets[0]
        // Keep the child's end away from fd 3, so that dup2 onto 3 always clears close-on-exec.
        let childEnd = fcntl(sockets[1], F_DUPFD_CLOEXEC, 10)
        close(sockets[1])
        defer { close(runnerEnd) }

        let pid: pid_t
        switch spawn(childSocket: childEnd) {
        case .success(let spawned): pid = spawned
        case .failure(let failure):
            close(childEnd)
            return .failure(failure)
        }
        close(childEnd)
        WorkerGroups.started(pid)
        defer { WorkerGroups.ended(pid) }

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

        guard let status = waitForExit(pid, deadline: readFailure == .timedOut ? 0 : deadline) else {
            kill(-pid, SIGKILL) // the worker's group: what a plugin started goes with it
            _ = waitForExit(pid, deadline: nil)
            return .failure(.timedOut(seconds: Double(timeoutNs) / 1e9, limit: limit))
        }
        if let signal = status.signal { return .failure(.crashed(signal: signal)) }
        if status.code != 0 { return .failure(.exited(status: status.code)) }
        if case .malformed(let reason) = readFailure { return .failure(.refused(reason)) }
        guard let reply else { return .failure(.refused("the worker exited without replying")) }
        if case .failure(let reason) = reply { return .failure(.refused(reason)) }
        return .success(reply)
    }

    private func spawn(childSocket: Int32) -> Result<pid_t, WorkerFailure> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_adddup2(&actions, childSocket, WorkerProtocol.conventionalFD)
        benchrunner_close_from(&actions, WorkerProtocol.conventionalFD + 1)

        // The runner ignores SIGPIPE; the worker starts with default dispositions and no blocked signals.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t(), none = sigset_t()
        sigfillset(&all)
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setpgroup(&attributes, 0) // a group of its own, led by the worker
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))

        var environment = ProcessInfo.processInfo.environment
        environment["LD_PRELOAD"] = preload.isEmpty ? nil : preload.joined(separator: ":")
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            return .failure(.spawnFailed("\(executable): \(String(cString: strerror(result)))"))
        }
        return .success(pid)
    }

    private struct ExitStatus {
        let code: Int32
        let signal: Int32?
    }

    /// Waits for `pid` to exit, polling until `deadline` (nil: block). Returns nil at the deadline.
    /// Whatever the worker left in its group is killed once the worker has exited, before the
    /// worker is reaped: until then its group's id cannot belong to anyone else.
    private func waitForExit(_ pid: pid_t, deadline: UInt64?) -> ExitStatus? {
        while benchrunner_exited(pid, deadline == nil ? -1 : 0) == 0 {
            if let deadline, monotonicNanoseconds() >= deadline { return nil }
            usleep(1000)
        }
        kill(-pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return ExitStatus(code: -1, signal: nil) }
        }
        // WIFSIGNALED / WEXITSTATUS, which Swift does not import.
        let signal = status & 0x7f
        return signal != 0 ? ExitStatus(code: -1, signal: signal) : ExitStatus(code: (status >> 8) & 0xff, signal: nil)
    }
}
