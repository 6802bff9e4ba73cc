#if canImport(Glibc)
import Glibc
#endif
import CBenchKit

/// Where a run's allocations came from (`bench run --memprofile`, Go's `-memprofile` at
/// MemProfileRate=1): every call stack that allocated while the timer ran in the counting pass's
/// last run, with how many allocations and bytes it made. The stacks add up to the run's
/// allocation counts, except for ``dropped``.
///
/// Frames are return addresses as offsets into their modules, so that the runner can name them
/// with the toolchain's symbolizer after the worker has exited.
public struct AllocationSites: Codable, Equatable, Sendable {
    /// One call stack and what it allocated.
    public typealias Site = AllocationStack<Frame>

    /// A return address: `offset` bytes into the file `modules[module]` (its address as the
    /// symbolizer reads the file, for position-independent code).
    public struct Frame: Codable, Hashable, Sendable {
        public var module: Int
        public var offset: UInt64

        public init(module: Int, offset: UInt64) {
            self.module = module
            self.offset = offset
        }
    }

    /// The executables and libraries the frames point into, by path.
    public var modules: [String]
    public var sites: [Site]
    /// Allocations whose stacks found no room in the recorder's table.
    public var dropped: UInt64
    /// b.N of the recorded run.
    public var n: Int

    public init(modules: [String], sites: [Site], dropped: UInt64, n: Int) {
        self.modules = modules
        self.sites = sites
        self.dropped = dropped
        self.n = n
    }
}

/// A call stack that allocated and what it allocated, with frames of any kind: return addresses
/// in the worker (``AllocationSites``), named frames in the run folder (`AllocationProfile`).
public struct AllocationStack<Frame: Codable & Equatable & Sendable>: Codable, Equatable, Sendable {
    public var allocations: UInt64
    public var bytes: UInt64
    /// Innermost (the caller of malloc, swift_allocObject's frame, ...) first.
    public var frames: [Frame]
    /// The stack was deeper than the recorder keeps: its outermost frames are missing.
    public var truncated: Bool

    public init(allocations: UInt64, bytes: UInt64, frames: [Frame], truncated: Bool) {
        self.allocations = allocations
        self.bytes = bytes
        self.frames = frames
        self.truncated = truncated
    }
}

/// libBenchCount.so's allocation-site recorder, driven by the worker: reset before a run, on
/// while the timer runs, read after the run.
struct AllocationSiteRecorder {
    private let reset: benchcount_sites_reset_fn
    private let record: benchcount_sites_record_fn
    private let readSites: benchcount_sites_read_fn

    /// Nil when libBenchCount.so is not preloaded (any pass but counting).
    init?() {
        guard let reset = dlsym(nil, "benchcount_sites_reset"), let record = dlsym(nil, "benchcount_sites_record"),
              let read = dlsym(nil, "benchcount_sites_read") else { return nil }
        self.reset = unsafeBitCast(reset, to: benchcount_sites_reset_fn.self)
        self.record = unsafeBitCast(record, to: benchcount_sites_record_fn.self)
        self.readSites = unsafeBitCast(read, to: benchcount_sites_read_fn.self)
    }

    /// Forgets the recorded sites; call on the thread that runs the workload, before it runs.
    func prepare() { reset() }

    /// Records (or stops recording) from now on. Allocates nothing.
    func recording(_ on: Bool) { record(on ? 1 : 0) }

    /// The recorded sites, addresses turned into module offsets (allocates: call it after the run).
    func read(n: Int) -> AllocationSites {
        var dropped: UInt64 = 0
        let count = readSites(nil, 0, &dropped)
        var raw = [benchcount_site](repeating: benchcount_site(), count: count)
        let copied = raw.withUnsafeMutableBufferPointer { readSites($0.baseAddress, count, &dropped) }
        var modules: [String] = []
        var moduleIndex: [String: Int] = [:]
        var frames: [UInt: AllocationSites.Frame] = [:]
        func frame(_ address: UInt) -> AllocationSites.Frame {
            if let known = frames[address] { return known }
            var name: UnsafePointer<CChar>?
            var path = "?"
            var base: UInt = 0
            if benchkit_module_of(UnsafeRawPointer(bitPattern: address), &name, &base) != 0, let name {
                path = String(cString: name)
            }
            // The main executable may be named by the path it was started with, or not at all.
            if path.isEmpty || !path.hasPrefix("/") { path = Self.executablePath() ?? path }
            let module = moduleIndex[path] ?? {
                modules.append(path)
                moduleIndex[path] = modules.count - 1
                return modules.count - 1
            }()
            let result = AllocationSites.Frame(module: module, offset: UInt64(address &- base))
            frames[address] = result
            return result
        }
        var sites: [AllocationSites.Site] = []
        for site in raw.prefix(min(copied, count)) {
            let addresses = withUnsafeBytes(of: site.frames) { Array($0.bindMemory(to: UInt.self).prefix(Int(site.depth))) }
            var stack: [AllocationSites.Frame] = []
            for address in addresses { stack.append(frame(address)) }
            sites.append(AllocationSites.Site(allocations: site.allocations, bytes: site.bytes_requested,
                                              frames: stack, truncated: site.truncated != 0))
        }
        return AllocationSites(modules: modules, sites: sites.sorted { $0.allocations > $1.allocations },
                               dropped: dropped, n: n)
    }

    private static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        return length > 0 ? String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self) : nil
    }
}
