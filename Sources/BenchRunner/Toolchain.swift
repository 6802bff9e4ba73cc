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
    /// error discarded). The input is written from another thread, so a tool that answers line
    /// by line cannot block on a full pipe.
    static func filter(_ tool: String, _ arguments: [String], input: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let writer = Thread {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let output = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return process.terminationStatus == 0 ? output : nil
    }
}
