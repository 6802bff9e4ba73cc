/// The allocators `bench` can select for a worker process.
public enum AllocatorName: String, CaseIterable, Codable, Sendable, CustomStringConvertible {
    /// glibc's malloc: the process as the system builds it, nothing preloaded.
    case system
    /// jemalloc, preloaded from `libjemalloc.so.2` (Debian: libjemalloc-dev).
    case jemalloc
    /// gperftools' tcmalloc, preloaded from `libtcmalloc_minimal.so.4` (Debian: libgoogle-perftools-dev).
    case tcmalloc
    /// Microsoft's mimalloc, preloaded from `libmimalloc.so.2` (Debian: libmimalloc-dev).
    case mimalloc
    /// GoAlloc, Go's allocator design in Swift, preloaded from `libgoalloc.so`, which this package
    /// builds next to `bench`.
    case go
    /// GoAlloc with its collector on: the same `libgoalloc.so` as `go` (malloc stays explicit),
    /// but the explicit ``Allocator`` interface allocates in GoAlloc's garbage-collected heap and
    /// leaves frees to the collector, as Go does.
    case goGC = "go-gc"

    public var description: String { rawValue }

    /// The shared library that LD_PRELOAD names for this allocator, or nil for `system`.
    public var preloadSoname: String? {
        switch self {
        case .system: nil
        case .go, .goGC: "libgoalloc.so"
        case .jemalloc: "libjemalloc.so.2"
        case .tcmalloc: "libtcmalloc_minimal.so.4"
        case .mimalloc: "libmimalloc.so.2"
        }
    }

    /// Whether the worker's malloc is GoAlloc's libgoalloc.so, with what it exports beyond the
    /// malloc family (MemStats, threads on heap stacks): `go`, and every later allocator that
    /// preloads the same library in another mode.
    public var isGoAlloc: Bool { self == .go || self == .goGC }

    /// The SwiftPM product that builds the library, when it is one of this package's own (found
    /// next to `bench` rather than installed on the system).
    package var packageProduct: String? { isGoAlloc ? "goalloc" : nil }

    /// The Debian package that provides the library, for the message when it is missing.
    package var debianPackage: String? {
        switch self {
        case .system, .go, .goGC: nil
        case .jemalloc: "libjemalloc-dev"
        case .tcmalloc: "libgoogle-perftools-dev"
        case .mimalloc: "libmimalloc-dev"
        }
    }
}
