#if canImport(Glibc)
import Glibc
#endif
import BenchKit
import CBenchRunner
import Foundation

/// A child process of the runner (a worker, or a program cell's launcher): started with
/// posix_spawn in a process group of its own, with default signal dispositions, its descriptors
/// from files, and LD_PRELOAD set only as asked. Its group is registered with ``WorkerGroups``
/// while it runs, so that the runner's termination reaches whatever it started.
struct Subprocess {
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
        posix_spawn_file_actions_addopen(&actions, 0, descriptors.standardInput ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, descriptors.standardOutput, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0o644)
        if let standardError = descriptors.standardError {
            posix_spawn_file_actions_addopen(&actions, 2, standardError, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0o644)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        var lowestToClose: Int32 = 3
        if let passed = descriptors.passed {
            posix_spawn_file_actions_adddup2(&actions, passed.fd, passed.as)
            lowestToClose = passed.as + 1
        }
        benchrunner_close_from(&actions, lowestToClose)

        // The runner ignores SIGPIPE; the child starts with default dispositions and no blocked signals.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t(), none = sigset_t()
        sigfillset(&all)
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setpgroup(&attributes, 0) // a group of its own, led by the child
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))

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

    /// Waits for the child to exit, polling until `deadline` (nil: no limit) and calling `sample`
    /// about every `sampleEveryNs` meanwhile, from one interval after the start. At the deadline the child's group is killed and nil
    /// returned. Whatever the child left in its group is killed once it has exited, before it is
    /// reaped: until then its group's id cannot belong to anyone else.
    func wait(deadline: UInt64?, sampleEveryNs: UInt64 = 0, sample: (() -> Void)? = nil) -> ExitStatus? {
        defer { WorkerGroups.ended(pid) }
        // The first sample one interval in: at once, the child has not started its program yet.
        var nextSample = monotonicNanoseconds() + sampleEveryNs
        while benchrunner_exited(pid, deadline == nil && sample == nil ? -1 : 0) == 0 {
            let now = monotonicNanoseconds()
            if let deadline, now >= deadline {
                kill(-pid, SIGKILL)
                _ = reap()
                return nil
            }
            if let sample, now >= nextSample {
                sample()
                nextSample = now + sampleEveryNs
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
