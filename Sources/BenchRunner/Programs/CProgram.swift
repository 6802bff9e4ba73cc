import BenchResults
import Foundation

/// A C program that `bench` compiles itself with clang (the Swift toolchain's, else the system's
/// `cc`): the program-cell launcher and the C stress programs of the built-in suite.
///
/// Not a SwiftPM target, because SwiftPM links every executable through swiftc, which links the
/// Swift runtime and libstdc++ into it; their start-up allocates (libstdc++'s 72 KiB exception
/// pool among them) and takes resident memory, all of it inside a program cell's counts and peak
/// RSS: a C program that mallocs 1000 blocks, linked by SwiftPM, counted 1012. Compiled here it
/// links libc alone. The binary goes to `<products>/programs/` and is compiled again whenever its
/// source, or a header it may include (``headers(near:)``), is newer.
enum CProgram {
    /// `bench-launch.c`, beside this file in the checkout `bench` was built from.
    static let launcherSource = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("bench-launch.c").path

    /// Where the binary named `name` is built.
    static func path(named name: String, products: String) -> String {
        RunFiles.path(RunFiles.path(products, "programs"), name)
    }

    /// The binary of `source`, named `name`, compiled first if it is missing or older than its source.
    static func build(_ source: String, named name: String, products: String) throws(InputError) -> String {
        let binary = path(named: name, products: products)
        let folder = URL(fileURLWithPath: binary).deletingLastPathComponent().path
        let manager = FileManager.default
        guard manager.isReadableFile(atPath: source) else {
            throw InputError("\(source) is missing: the C program \(name) cannot be built; is this a complete checkout?")
        }
        let inputs = [source] + headers(near: source)
        let newest = inputs.compactMap { (try? manager.attributesOfItem(atPath: $0))?[.modificationDate] as? Date }.max()!
        if let builtDate = (try? manager.attributesOfItem(atPath: binary))?[.modificationDate] as? Date, builtDate >= newest {
            return binary
        }
        guard let compiler = Toolchain.tool("clang") ?? Toolchain.tool("cc") else {
            throw InputError("no C compiler to build \(name) with: the Swift toolchain's clang is not beside swift on PATH, and cc is not installed")
        }
        let command = [compiler, "-std=gnu11", "-O2", "-g", "-Wall", "-pthread", "-o", binary, source]
        try? manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let compiled = Subprocess.run(command, standardError: .merge)
        guard compiled.succeeded else {
            let diagnostics = compiled.text.split(separator: "\n").prefix(3).joined(separator: " | ")
            throw InputError("compiling \(source) failed (\(diagnostics)); the command: \(command.joined(separator: " "))")
        }
        return binary
    }

    /// The headers a program may include: those beside its source and in the folder above (the
    /// suite's `stress.h`). A change to any of them builds the program again.
    static func headers(near source: String) -> [String] {
        let folder = URL(fileURLWithPath: source).deletingLastPathComponent()
        return [folder, folder.deletingLastPathComponent()].flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
                .filter { $0.hasSuffix(".h") }.map { folder.appendingPathComponent($0).path }
        }
    }
}
