import BenchKit
import BenchResults
import Foundation

/// Whether an allocator can run on this machine, and how to select it.
public struct AllocatorAvailability: Sendable, Equatable {
    public let name: AllocatorName
    /// The library to preload, when the allocator needs one and it was found.
    public let library: String?
    /// Why the allocator cannot run here; nil when it can.
    public let unavailableReason: String?
    /// The library's package and version (``LibraryVersion``), named where no worker can ask the
    /// allocator (a user's library, program cells); nil until ``RunConfiguration`` looks it up.
    public var version: String?

    public init(name: AllocatorName, library: String?, unavailableReason: String?, version: String? = nil) {
        self.name = name
        self.library = library
        self.unavailableReason = unavailableReason
        self.version = version
    }

    public var isAvailable: Bool { unavailableReason == nil }
}

/// Finds the allocators installed on this machine.
///
/// A preloaded allocator is looked up by its soname in the dynamic linker's cache
/// (`ldconfig -p`), then in the usual library folders, so that `bench` works wherever the
/// distribution put it rather than on one hard-coded path.
public struct AllocatorCatalog: Sendable {
    public let allocators: [AllocatorAvailability]

    /// Looks at this machine. `products` is the folder of this package's build products (where
    /// `bench` itself lives), which holds libgoalloc.so once built.
    public static func discover(products: String?) -> AllocatorCatalog {
        let cache = linkerCache()
        return AllocatorCatalog(allocators: AllocatorName.allCases.map { name in
            name.packageProduct == nil ? availability(of: name, cache: cache) : builtAvailability(of: name, products: products)
        })
    }

    public init(allocators: [AllocatorAvailability]) {
        self.allocators = allocators
    }

    /// The built-in allocator `name`.
    public subscript(name: AllocatorName) -> AllocatorAvailability {
        allocators.first { $0.name == name }!
    }

    /// A user's library as an allocator: available when the file is there.
    public static func library(_ name: AllocatorName, at path: String) -> AllocatorAvailability {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        guard FileManager.default.isReadableFile(atPath: absolute) else {
            return AllocatorAvailability(name: name, library: nil, unavailableReason: "\(absolute) does not exist or cannot be read")
        }
        return AllocatorAvailability(name: name, library: absolute, unavailableReason: nil)
    }

    public var available: [AllocatorAvailability] { allocators.filter(\.isAvailable) }

    static func availability(of name: AllocatorName, cache: [String: String],
                             folders: [String] = libraryFolders) -> AllocatorAvailability {
        guard let soname = name.preloadSoname else {
            return AllocatorAvailability(name: name, library: nil, unavailableReason: nil)
        }
        let found = folders.map { "\($0)/\(soname)" }.first { FileManager.default.isReadableFile(atPath: $0) }
        if let path = cache[soname] ?? found {
            return AllocatorAvailability(name: name, library: path, unavailableReason: nil)
        }
        let install = name.debianPackage.map { " (install it: apt-get install \($0), or run make setup)" } ?? ""
        return AllocatorAvailability(name: name, library: nil, unavailableReason: "\(soname) not found\(install)")
    }

    /// The products subfolder of the libgoalloc.so built without the Swift runtime
    /// (scripts/build-goalloc-embedded.sh writes it).
    static let embeddedFolder = "embedded"

    /// An allocator this package builds: available once its library is in the products folder.
    /// The one built without the Swift runtime (`<products>/embedded/`) is taken when it is at
    /// least as new as SwiftPM's, so that a `swift build` of changed sources, which rebuilds only
    /// SwiftPM's, is never measured through a stale copy.
    static func builtAvailability(of name: AllocatorName, products: String?) -> AllocatorAvailability {
        let soname = name.preloadSoname!, product = name.packageProduct!
        if let products {
            let swiftPM = "\(products)/\(soname)", embedded = "\(products)/\(embeddedFolder)/\(soname)"
            if let built = modificationDate(embedded), modificationDate(swiftPM).map({ built >= $0 }) ?? true {
                return AllocatorAvailability(name: name, library: embedded, unavailableReason: nil)
            }
            if modificationDate(swiftPM) != nil {
                return AllocatorAvailability(name: name, library: swiftPM, unavailableReason: nil)
            }
        }
        return AllocatorAvailability(name: name, library: nil, unavailableReason:
            "\(soname) is not built (run make build, or swift build -c release --product \(product))")
    }

    /// When a readable file was last written; nil when there is none.
    private static func modificationDate(_ path: String) -> Date? {
        guard FileManager.default.isReadableFile(atPath: path) else { return nil }
        return (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }

    /// soname -> path for the machine's architecture, from `ldconfig -p`.
    static func linkerCache() -> [String: String] {
        let output = Subprocess.run(["/sbin/ldconfig", "-p"])
        return output.succeeded ? parseLinkerCache(output.text) : [:]
    }

    /// Parses lines like `\tlibjemalloc.so.2 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libjemalloc.so.2`,
    /// keeping the first entry of each soname (ldconfig lists the preferred one first).
    static func parseLinkerCache(_ output: String) -> [String: String] {
        var paths: [String: String] = [:]
        for line in output.split(separator: "\n") {
            guard let arrow = line.range(of: " => ") else { continue }
            let soname = line[..<arrow.lowerBound].trimmingCharacters(in: .whitespaces).split(separator: " ").first
            guard let soname, paths[String(soname)] == nil else { continue }
            paths[String(soname)] = String(line[arrow.upperBound...])
        }
        return paths
    }

    /// Where to look when the linker cache does not list a library.
    static let libraryFolders = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib",
                                 "/usr/local/lib", "/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu"]
}
