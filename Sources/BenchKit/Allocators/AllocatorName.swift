/// The name of an allocator `bench` can select for a worker process: one of the seven built in
/// (``allCases``), or a name the user gave a library of their own (`--allocators tbb=/path/lib.so`).
///
/// A struct rather than an enum so that a user's library is an allocator like the others in
/// every file and report; the built-in names are its static members, so `name == .jemalloc`
/// and `case .goGC:` read as they would on an enum.
public struct AllocatorName: RawRepresentable, Hashable, CaseIterable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// Any well-formed name: letters, digits, `.`, `_` and `-`, starting with a letter or digit
    /// (the name goes into file names and CSV cells). Whether it is built in is ``isBuiltIn``.
    public init?(rawValue: String) {
        guard let first = rawValue.unicodeScalars.first, Self.isNameCharacter(first), first != ".", first != "-",
              rawValue.count <= 64, rawValue.unicodeScalars.allSatisfy(Self.isNameCharacter) else { return nil }
        self.rawValue = rawValue
    }

    private init(builtIn name: String) {
        rawValue = name
    }

    private static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._-".unicodeScalars.contains(scalar))
    }

    /// glibc's malloc: the process as the system builds it, nothing preloaded.
    public static let system = AllocatorName(builtIn: "system")
    /// jemalloc, preloaded from `libjemalloc.so.2` (Debian: libjemalloc-dev).
    public static let jemalloc = AllocatorName(builtIn: "jemalloc")
    /// gperftools' tcmalloc, preloaded from `libtcmalloc_minimal.so.4` (Debian: libgoogle-perftools-dev).
    public static let tcmalloc = AllocatorName(builtIn: "tcmalloc")
    /// Microsoft's mimalloc, preloaded from `libmimalloc.so.2` (Debian: libmimalloc-dev).
    public static let mimalloc = AllocatorName(builtIn: "mimalloc")
    /// GoAlloc, Go's allocator design in Swift, preloaded from `libgoalloc.so`, which this package
    /// builds next to `bench`.
    public static let go = AllocatorName(builtIn: "go")
    /// GoAlloc with its collector on: the same `libgoalloc.so` as `go` (malloc stays explicit),
    /// but the explicit ``Allocator`` interface allocates in GoAlloc's garbage-collected heap and
    /// leaves frees to the collector, as Go does.
    public static let goGC = AllocatorName(builtIn: "go-gc")
    /// The Boehm-Demers-Weiser conservative collector, preloaded from `libgc.so.1` (Debian:
    /// libgc-dev): the process's malloc stays glibc's, and the explicit ``Allocator`` interface
    /// allocates in Boehm's collected heap and leaves frees to its collector, as go-gc does with
    /// GoAlloc's. Boehm's own settings apply (`GC_MARKERS=1` for one marker thread,
    /// `GC_ENABLE_INCREMENTAL=1` for its generational mode; docs/goalloc.md).
    public static let boehm = AllocatorName(builtIn: "boehm")

    /// The built-in allocators, in the order reports list them (system first, the usual baseline).
    public static let allCases: [AllocatorName] = [.system, .jemalloc, .tcmalloc, .mimalloc, .go, .goGC, .boehm]

    /// Whether `bench` knows this allocator by name (else the user named a library for it).
    public var isBuiltIn: Bool { Self.allCases.contains(self) }

    public var description: String { rawValue }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let name = AllocatorName(rawValue: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an allocator name: \(text)"))
        }
        self = name
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// The shared library that LD_PRELOAD names for a built-in allocator; nil for `system` and
    /// for a user's library (which comes with its path).
    public var preloadSoname: String? {
        switch self {
        case .go, .goGC: "libgoalloc.so"
        case .jemalloc: "libjemalloc.so.2"
        case .tcmalloc: "libtcmalloc_minimal.so.4"
        case .mimalloc: "libmimalloc.so.2"
        case .boehm: "libgc.so.1"
        default: nil
        }
    }

    /// Whether the worker's malloc is GoAlloc's libgoalloc.so, with what it exports beyond the
    /// malloc family (MemStats, threads on heap stacks): `go`, and every later allocator that
    /// preloads the same library in another mode.
    public var isGoAlloc: Bool { self == .go || self == .goGC }

    /// Whether the allocator differs from another one only in what the explicit ``Allocator``
    /// interface does, not in the process's malloc: `go-gc` (the collected heap is reached only
    /// through that interface; a program's malloc is `go`'s) and `boehm` (a program's malloc is
    /// glibc's).
    public var isExplicitInterfaceMode: Bool { isGarbageCollected }

    /// Whether the explicit ``Allocator`` interface allocates in a collected heap whose frees are
    /// the collector's: `go-gc` and `boehm` (their cells report `gc-%`).
    public var isGarbageCollected: Bool { self == .goGC || self == .boehm }

    /// The SwiftPM product that builds the library, when it is one of this package's own (found
    /// next to `bench` rather than installed on the system).
    package var packageProduct: String? { isGoAlloc ? "goalloc" : nil }

    /// The Debian package that provides a built-in allocator's library, for the message when it is missing.
    package var debianPackage: String? {
        switch self {
        case .jemalloc: "libjemalloc-dev"
        case .tcmalloc: "libgoogle-perftools-dev"
        case .mimalloc: "libmimalloc-dev"
        case .boehm: "libgc-dev"
        default: nil
        }
    }
}
