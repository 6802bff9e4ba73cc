import BenchResults
import Foundation

/// Builds one module of a Swift package with the compiler's optimisation remarks switched on,
/// for `bench why` (`CompilerRemark`, in the reports, reads them).
///
/// It builds in a build folder of its own (`.build/allocbench-why` in the package), so the
/// package's normal builds, which must not carry the remark flags, are never touched; and it
/// removes that folder's copy of the module first, because the compiler prints remarks only
/// when it compiles, and an up-to-date module would print none.
public struct RemarkBuild: Sendable {
    /// The folder holding `Package.swift`.
    public let packageRoot: String
    /// The SwiftPM target whose sources hold the file.
    public let target: String
    /// Its module name (`my_plugin` for target `my-plugin`), which names its build folder.
    public let module: String
    /// The absolute paths of the target's Swift sources.
    public let sources: [String]

    /// The package and target that compile `file`: the nearest folder above it with a
    /// `Package.swift`, and the target `swift package describe` lists the file under.
    public static func locate(file: String) throws(InputError) -> RemarkBuild {
        var folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
            guard folder.path != "/" else {
                throw InputError("\(file) is in no Swift package (no Package.swift above it); bench why reads a workload's "
                    + "sources where the plugin or bench was built: build and run it from its package")
            }
            folder.deleteLastPathComponent()
        }
        let root = folder.path
        // In the remark build's own scratch folder: SwiftPM locks a package's scratch folder, and
        // the default one may be held by a build or `swift test` that runs this very command.
        let description = run(["swift", "package", "--package-path", root, "--scratch-path", Self.buildPath(root),
                               "describe", "--type", "json"])
        struct Package: Decodable {
            struct Target: Decodable {
                let name: String
                let c99name: String
                let path: String
                let sources: [String]?
            }
            let targets: [Target]
        }
        guard description.status == 0, let package = try? JSONDecoder().decode(Package.self, from: Data(description.output.utf8)) else {
            throw InputError("cannot read the package at \(root) (swift package describe failed): \(description.output.suffix(500))")
        }
        for target in package.targets {
            let sources = (target.sources ?? []).map { "\(root)/\(target.path)/\($0)" }
            if sources.contains(file) {
                return RemarkBuild(packageRoot: root, target: target.name, module: target.c99name, sources: sources.filter { $0.hasSuffix(".swift") })
            }
        }
        throw InputError("\(file) belongs to no target of the package at \(root)")
    }

    /// The build folder used for remarks.
    public var buildPath: String { Self.buildPath(packageRoot) }

    static func buildPath(_ packageRoot: String) -> String { "\(packageRoot)/.build/allocbench-why" }

    /// Compiles the target (and what it depends on, when out of date) in release with remarks;
    /// returns the compiler's output, or throws it when the build fails.
    public func compile() throws(InputError) -> String {
        try? FileManager.default.removeItem(atPath: "\(buildPath)/release/\(module).build")
        // Without manifest caching: a cached manifest misses files added to a path dependency
        // (a plugin's BenchKit) and fails with "missing inputs".
        let build = Self.run(["swift", "build", "-c", BuildKind.release.rawValue, "--package-path", packageRoot, "--scratch-path", buildPath,
                              "--target", target, "--disable-build-manifest-caching"] + Self.remarkFlags)
        guard build.status == 0 else {
            throw InputError("the remark build of \(target) failed (\(buildPath)):\n\(build.output.suffix(2000))")
        }
        // No compile, no remarks: an empty answer must not pass for "nothing allocates".
        guard build.output.contains("Compiling \(module) ") else {
            throw InputError("the remark build did not compile \(target), so the compiler printed no remarks for it; "
                + "remove \(buildPath) and run bench why again")
        }
        return build.output
    }

    /// The arguments of `swift build` that make the compiler print every assembly vision remark
    /// (heap and stack allocation, retain, release), for every function, not only those marked
    /// `@_assemblyVision`.
    public static let remarkFlags = [
        "-Xswiftc", "-Xfrontend", "-Xswiftc", "-enable-assembly-vision-all",
        "-Xswiftc", "-Rpass=sil-assembly-vision-remark-gen",
    ]

    /// Runs a command, standard error into standard output, and waits.
    static func run(_ arguments: [String]) -> (status: Int32, output: String) {
        let output = Subprocess.run(arguments, standardError: .merge)
        return (output.status, output.status == -1 ? "could not start \(arguments.joined(separator: " "))" : output.text)
    }
}
