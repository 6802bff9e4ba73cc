#if canImport(Glibc)
import Glibc
#endif
import BenchResults
import Foundation

extension MachineInfo {
    /// Reads this machine; `directory` is where to ask git for the commit.
    public static func current(directory: String = FileManager.default.currentDirectoryPath) -> MachineInfo {
        var names = utsname()
        uname(&names)
        func text<T>(_ field: T) -> String {
            withUnsafeBytes(of: field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? text(names.machine)
        return MachineInfo(
            host: text(names.nodename), os: "linux", arch: goArch(text(names.machine)), cpu: model,
            cores: ProcessInfo.processInfo.activeProcessorCount, kernel: text(names.release),
            commit: gitCommit(directory: directory))
    }

    /// Go's name for the architecture, as `goarch:` lines use.
    static func goArch(_ machine: String) -> String {
        switch machine {
        case "x86_64": "amd64"
        case "aarch64": "arm64"
        default: machine
        }
    }

    static func gitCommit(directory: String) -> String {
        let head = Subprocess.run(["/usr/bin/git", "rev-parse", "HEAD"], in: directory)
        let commit = head.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard head.succeeded, !commit.isEmpty else { return "unknown" }
        let status = Subprocess.run(["/usr/bin/git", "status", "--porcelain", "--untracked-files=no"], in: directory)
        return commit + (status.succeeded && !status.text.isEmpty ? "-dirty" : "")
    }
}
