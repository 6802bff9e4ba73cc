#if canImport(Glibc)
import Glibc
#endif
import BenchKit
import CBenchRunner
import Foundation

/// Every child process `bench` starts, in one place.
///
/// A measured one (a worker, or a program cell's launcher) is started with posix_spawn
/// (``spawn(_:arguments:environment:preload:descriptors:)``) in a process group of its own, with
/// default signal dispositions, its descriptors from files, and LD_PRELOAD set only as asked. Its
/// group is registered with ``WorkerGroups`` while it runs, so that the runner's termination
/// reaches whatever it started. A short tool (ldconfig, dpkg-query, a compiler, `swift build`)
/// runs to its end with its output captured (``run(_:in:standardError:input:)``).
public struct Subprocess {
    let pid: pid_t

    /// Where the child's standard descriptors and the one extra descriptor it gets come from.
    struct Descriptors {
        /// A file for standard input; /dev/null when nil.
        var standardInput: String?
        /// A file for standard output, created or truncated.
        var standardOutput: String
        /// A file for standard error, created or truncated; nil shares standard output's.
        var standardError: String?
        /// A descriptor of the runner to pass as `passed.as` (the worker protocol's socket).
        var passed: (fd: Int32, as: Int32)?

        /// Opens the files as the child's descriptors and closes every other descriptor in it.
        func add(to actions: inout posix_spawn_file_actions_t) {
            posix_spawn_file_actions_addopen(&actions, 0, standardInput ?? "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, standardOutput, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0o644)
            if let standardError {
                posix_spawn_file_actions_addopen(&actions, 2, standardError, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0o644)
            } else {
                posix_spawn_file_actions_adddup2(&actions, 1, 2)
            }
            var lowestToClose: Int32 = 3
            if let passed {
                posix_spawn_file_actions_adddup2(&actions, passed.fd, passed.as)
                lowestToClose = passed.as + 1
            }
            benchrunner_close_from(&actions, lowestToClose)
        }
    }

    /// How a child ended.
    struct ExitStatus {
        let code: Int32
        let signal: Int32?
    }

    /// Starts `executable` with `arguments`, the runner's environment less LD_PRELOAD plus
    /// `environment`, and LD_PRELOAD set to `preload` when it is not empty.
    static func spawn(_ executable: String, arguments: [String], environment: [String: String] = [:],
                      preload: [String] = [], descriptors: Descriptors) -> Result<Subprocess, WorkerFailure> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        descriptors.add(to: &actions)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        setDefaultSignalsAndOwnGroup(&attributes)

        var variables = ProcessInfo.processInfo.environment.merging(environment) { _, given in given }
        variables["LD_PRELOAD"] = preload.isEmpty ? nil : preload.joined(separator: ":")
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            return .failure(.spawnFailed("\(executable): \(String(cString: strerror(result)))"))
        }
        WorkerGroups.started(pid)
        return .success(Subprocess(pid: pid))
    }

    /// The runner ignores SIGPIPE; the child starts with default dispositions, no blocked signals,
    /// and in a process group of its own that it leads.
    private static func setDefaultSignalsAndOwnGroup(_ attributes: inout posix_spawnattr_t) {
        var all = sigset_t(), none = sigset_t()
        sigfillset(&all)
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))
    }

    /// Waits for the child to exit, polling until `deadline` (nil: no limit), and meanwhile calls
    /// `sample(k)` at each multiple k of `sampleEveryNs` after the start, from k = 1 (at once the
    /// child has not started its program yet); a slot the poll missed (a stalled machine) is
    /// skipped, so k always says when. At the deadline the child's group is killed and nil
    /// returned. Whatever the child left in its group is killed once it has exited, before it is
    /// reaped: until then its group's id cannot belong to anyone else.
    func wait(deadline: UInt64?, sampleEveryNs: UInt64 = 0, sample: ((Int) -> Void)? = nil) -> ExitStatus? {
        defer { WorkerGroups.ended(pid) }
        let start = monotonicNanoseconds()
        var slot = 1
        while benchrunner_exited(pid, deadline == nil && sample == nil ? -1 : 0) == 0 {
            let now = monotonicNanoseconds()
            if let deadline, now >= deadline {
                kill(-pid, SIGKILL)
                _ = reap()
                return nil
            }
            if let sample, now >= start + UInt64(slot) * sampleEveryNs {
                slot = max(slot, Int((now - start) / sampleEveryNs))
                sample(slot)
                slot += 1
            }
            usleep(1000)
        }
        return reap()
    }

    private func reap() -> ExitStatus {
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

extension Subprocess {
    /// Where a short tool's standard error goes.
    public enum StandardError: Sendable {
        /// Nowhere.
        case discard
        /// Into the captured output, in the order it was written (a compiler's diagnostics).
        case merge
        /// To bench's own standard error, as the tool writes it (a build's progress).
        case inherit
    }

    /// How a short tool ended, and what it wrote on standard output.
    public struct Output: Sendable {
        public let status: Int32
        public let text: String
        public var succeeded: Bool { status == 0 }
    }

    /// Runs a short, trusted tool to its end: `arguments[0]` is a path, or a name looked up on
    /// PATH; standard output is captured (or passed to bench's own standard error with
    /// `captureOutput` false, for a build whose progress the user should see); `input`, when
    /// given, is written to its standard input from another thread, so that a tool that answers
    /// line by line cannot block on a full pipe. Status -1 when it could not be started.
    public static func run(_ arguments: [String], in directory: String? = nil, standardError: StandardError = .discard,
                           captureOutput: Bool = true, input: String? = nil) -> Output {
        let process = Process()
        if arguments[0].contains("/") {
            process.executableURL = URL(fileURLWithPath: arguments[0])
            process.arguments = Array(arguments.dropFirst())
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = arguments
        }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let output = Pipe(), standardInput = Pipe()
        process.standardOutput = captureOutput ? output : FileHandle.standardError
        switch standardError {
        case .discard: process.standardError = FileHandle.nullDevice
        case .merge: process.standardError = output
        case .inherit: process.standardError = FileHandle.standardError
        }
        process.standardInput = input == nil ? FileHandle.nullDevice : standardInput
        guard (try? process.run()) != nil else { return Output(status: -1, text: "") }
        if let input {
            let writer = Thread {
                standardInput.fileHandleForWriting.write(Data(input.utf8))
                try? standardInput.fileHandleForWriting.close()
            }
            writer.start()
        }
        let data = captureOutput ? output.fileHandleForReading.readDataToEndOfFile() : Data()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, text: String(decoding: data, as: UTF8.self))
    }
}
