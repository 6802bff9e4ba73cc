import BenchResults
import Foundation

/// A SwiftPM products folder, `<package>/.build/<triple>/<kind>/` (or the `.build/<kind>` link to
/// it): where `bench` lives beside libBenchCount.so, libgoalloc.so and the C programs it compiles.
/// The one place that knows that layout: the CLI finds the release build of a debug `bench`, and
/// builds the counter into the folder it belongs in, through it.
public struct BuildFolder: Equatable, Sendable {
    /// The package root (the folder of Package.swift).
    public let package: String
    /// The products folder.
    public let products: String
    public let kind: BuildKind

    /// The build folder `products` is in; nil when it is not a SwiftPM products folder of a package.
    public init?(products: String) {
        let folder = URL(fileURLWithPath: products).standardizedFileURL
        guard let kind = BuildKind(rawValue: folder.lastPathComponent) else { return nil }
        var buildRoot = folder.deletingLastPathComponent()
        if buildRoot.lastPathComponent != ".build" { buildRoot = buildRoot.deletingLastPathComponent() } // the triple
        let package = buildRoot.deletingLastPathComponent().path
        guard buildRoot.lastPathComponent == ".build", FileManager.default.fileExists(atPath: "\(package)/Package.swift")
        else { return nil }
        self.package = package
        self.products = folder.path
        self.kind = kind
    }

    /// The products folder of the other kind of build of the same package.
    public func products(of kind: BuildKind) -> String {
        URL(fileURLWithPath: products).deletingLastPathComponent().appendingPathComponent(kind.rawValue).path
    }

    /// `swift build` of this package for `kind`, for one product or all of them.
    public func buildCommand(_ kind: BuildKind, product: String? = nil) -> [String] {
        ["swift", "build", "-c", kind.rawValue, "--package-path", package] + (product.map { ["--product", $0] } ?? [])
    }
}
