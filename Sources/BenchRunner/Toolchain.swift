import Foundation

/// The Swift toolchain's own tools (`swift-demangle`, `llvm-symbolizer`): found on PATH, or
/// beside the `swift` that PATH finds (a toolchain whose bin folder is linked into /usr/bin
/// links `swift` but not always its other tools).
enum Toolchain {
    static func tool(_ name: String, searchPath: String = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin") -> String? {
        let folders = searchPath.split(separator: ":").map(String.init)
        if let found = folders.map({ "\($0)/\(name)" }).first(where: FileManager.default.isExecutableFile(atPath:)) {
            return found
        }
        for folder in folders where FileManager.default.isExecutableFile(atPath: "\(folder)/swift") {
            let swift = URL(fileURLWithPath: "\(folder)/swift").resolvingSymlinksInPath()
            let beside = swift.deletingLastPathComponent().appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        }
        return nil
    }

    /// Runs `tool` with `arguments`, feeds it `input` and returns what it printed (standard
    /// error discarded), or nil when it failed.
    static func filter(_ tool: String, _ arguments: [String], input: String) -> String? {
        let output = Subprocess.run([tool] + arguments, input: input)
        return output.succeeded ? output.text : nil
    }
}
