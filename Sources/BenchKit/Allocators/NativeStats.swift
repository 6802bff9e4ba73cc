import CBenchKit
import CGoAllocABI
#if canImport(Glibc)
import Glibc
#endif

/// Reads an allocator's own statistics in the worker and maps them onto Go's MemStats fields.
///
/// Everything that needs memory happens in `init`: symbol look-ups, the version string, the C
/// strings and jemalloc's MIBs. After that, ``read(into:)`` allocates nothing through malloc when
/// the snapshot has room for every field (``MemStatsSnapshot/withRoomForEveryField()``), so a
/// MemStats sample taken inside a workload sees the workload, not the harness reading it.
///
/// Each reader uses only what the allocator exports; what it cannot say stays nil. The README's
/// MemStats table documents each mapping.
final class NativeStatsReader {
    /// The allocator as it names itself (`jemalloc 5.3.0-...`, `glibc 2.36`).
    let version: String
    private let source: Source

    private enum Source {
        case glibc
        case jemalloc(JemallocStats)
        case tcmalloc(TcmallocStats)
        case mimalloc(MimallocStats.ProcessInfo)
        case go(GoAllocStats.ReadMemStats)
        case boehm
        /// The allocator's statistics interface is not loaded in this process.
        case none
    }

    /// Prepares to read the statistics of `name`, the allocator loaded in this process.
    init(_ name: AllocatorName) {
        switch name {
        case .system:
            version = GlibcStats.version()
            source = .glibc
        case .jemalloc:
            let stats = JemallocStats()
            version = stats?.version ?? "jemalloc"
            source = stats.map { .jemalloc($0) } ?? .none
        case .tcmalloc:
            let stats = TcmallocStats()
            version = TcmallocStats.version()
            source = stats.map { .tcmalloc($0) } ?? .none
        case .mimalloc:
            version = MimallocStats.version()
            source = NativeStatsReader.symbol("mi_process_info", as: MimallocStats.ProcessInfo.self).map { .mimalloc($0) } ?? .none
        case .go, .goGC:
            let readMemStats = NativeStatsReader.symbol("goalloc_read_memstats", as: GoAllocStats.ReadMemStats.self)
            version = readMemStats == nil ? "GoAlloc (libgoalloc.so not loaded)" : "GoAlloc (Go 1.19 design)"
            source = readMemStats.map { .go($0) } ?? .none
        case .boehm:
            version = BoehmStats.version()
            source = benchkit_boehm_start() != 0 ? .boehm : .none
        default:
            // A user's library (--allocators name=path): bench knows no statistics interface of it;
            // the runner names its version from the library file.
            version = ""
            source = .none
        }
    }

    /// Sets the fields the allocator provides, in place; leaves the others as they are.
    func read(into stats: inout MemStatsSnapshot) {
        switch source {
        case .glibc: GlibcStats.read(into: &stats)
        case .jemalloc(let jemalloc): jemalloc.read(into: &stats)
        case .tcmalloc(let tcmalloc): tcmalloc.read(into: &stats)
        case .mimalloc(let processInfo): MimallocStats.read(processInfo, into: &stats)
        case .go(let readMemStats): GoAllocStats.read(readMemStats, into: &stats)
        case .boehm: BoehmStats.read(into: &stats)
        case .none: break
        }
    }

    /// A fresh snapshot of the allocator's statistics.
    func read() -> MemStatsSnapshot {
        var stats = MemStatsSnapshot.withRoomForEveryField()
        read(into: &stats)
        return stats
    }

    /// A C function of the loaded allocator, or nil.
    static func symbol<F>(_ name: String, as type: F.Type) -> F? {
        dlsym(nil, name).map { unsafeBitCast($0, to: type) }
    }
}

/// glibc: `mallinfo2` (all arenas). glibc keeps no cumulative counts; Mallocs, Frees and
/// TotalAlloc come from the counting pass.
enum GlibcStats {
    static func read(into stats: inout MemStatsSnapshot) {
        let info = mallinfo2()
        let inUse = Double(info.uordblks + info.hblkhd) // chunks in use, sbrk heap plus mmapped
        stats[.heapAlloc] = inUse
        stats[.alloc] = inUse
        stats[.heapInuse] = inUse
        stats[.heapIdle] = Double(info.fordblks)
        stats[.heapSys] = Double(info.arena + info.hblkhd)
        stats[.sys] = Double(info.arena + info.hblkhd)
    }

    static func version() -> String {
        var buffer = [UInt8](repeating: 0, count: 64)
        let length = buffer.withUnsafeMutableBufferPointer {
            confstr(Int32(_CS_GNU_LIBC_VERSION), UnsafeMutableRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), $0.count)
        }
        return length > 0 ? String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self) : "glibc"
    }
}

/// gperftools tcmalloc: `MallocExtension_GetNumericProperty`. No cumulative counts; Mallocs,
/// Frees and TotalAlloc come from the counting pass.
final class TcmallocStats {
    typealias GetProperty = @convention(c) (UnsafePointer<CChar>?, UnsafeMutablePointer<Int>?) -> Int32
    typealias Version = @convention(c) (UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<Int32>?,
                                        UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> UnsafePointer<CChar>?

    private let get: GetProperty
    /// The property names as C strings made once, so that reading converts no Swift string.
    private let allocated = strdup("generic.current_allocated_bytes")!
    private let heapSize = strdup("generic.heap_size")!
    private let pageheapFree = strdup("tcmalloc.pageheap_free_bytes")!
    private let pageheapUnmapped = strdup("tcmalloc.pageheap_unmapped_bytes")!

    /// nil when tcmalloc's extension interface is not loaded.
    init?() {
        guard let get = NativeStatsReader.symbol("MallocExtension_GetNumericProperty", as: GetProperty.self) else { return nil }
        self.get = get
    }

    deinit {
        for name in [allocated, heapSize, pageheapFree, pageheapUnmapped] { free(name) }
    }

    static func version() -> String {
        NativeStatsReader.symbol("tc_version", as: Version.self).flatMap { $0(nil, nil, nil) }.map { String(cString: $0) }
            ?? "tcmalloc"
    }

    func read(into stats: inout MemStatsSnapshot) {
        func property(_ name: UnsafeMutablePointer<CChar>) -> Double? {
            var value = 0
            return get(name, &value) != 0 ? Double(value) : nil
        }
        stats[.alloc] = property(allocated)
        stats[.heapAlloc] = stats[.alloc]
        if let heapSys = property(heapSize), let free = property(pageheapFree), let unmapped = property(pageheapUnmapped) {
            stats[.heapSys] = heapSys
            stats[.heapIdle] = free + unmapped
            stats[.heapReleased] = unmapped
            stats[.heapInuse] = heapSys - free - unmapped // spans in use, with their cached free objects
            stats[.sys] = heapSys
        }
    }
}

/// mimalloc: its release build keeps no per-size statistics; `mi_process_info` gives the
/// committed bytes, reported as HeapSys. Counts come from the counting pass.
enum MimallocStats {
    typealias Version = @convention(c) () -> Int32
    typealias ProcessInfo = @convention(c) (
        UnsafeMutablePointer<Int>?, UnsafeMutablePointer<Int>?, UnsafeMutablePointer<Int>?, UnsafeMutablePointer<Int>?,
        UnsafeMutablePointer<Int>?, UnsafeMutablePointer<Int>?, UnsafeMutablePointer<Int>?, UnsafeMutablePointer<Int>?
    ) -> Void

    static func version() -> String {
        NativeStatsReader.symbol("mi_version", as: Version.self).map { raw -> String in
            let v = Int(raw())
            return "mimalloc \(v / 100).\(v / 10 % 10).\(v % 10)"
        } ?? "mimalloc"
    }

    static func read(_ processInfo: ProcessInfo, into stats: inout MemStatsSnapshot) {
        var committed = 0
        processInfo(nil, nil, nil, nil, nil, &committed, nil, nil)
        stats[.heapSys] = Double(committed)
        stats[.sys] = Double(committed)
    }
}

/// GoAlloc: its own MemStats, every field with Go's meaning, read through the function that
/// libgoalloc.so exports (the worker runs with the library preloaded).
enum GoAllocStats {
    typealias ReadMemStats = goalloc_read_memstats_fn

    static func read(_ readMemStats: ReadMemStats, into stats: inout MemStatsSnapshot) {
        var go = goalloc_memstats()
        readMemStats(&go)
        read(go, into: &stats)
    }

    static func read(_ go: goalloc_memstats, into stats: inout MemStatsSnapshot) {
        stats[exactly: .alloc] = UInt64(go.alloc)
        stats[exactly: .totalAlloc] = UInt64(go.total_alloc)
        stats[exactly: .sys] = UInt64(go.sys)
        stats[exactly: .mallocs] = UInt64(go.mallocs)
        stats[exactly: .frees] = UInt64(go.frees)
        stats[exactly: .heapAlloc] = UInt64(go.heap_alloc)
        stats[exactly: .heapSys] = UInt64(go.heap_sys)
        stats[exactly: .heapIdle] = UInt64(go.heap_idle)
        stats[exactly: .heapInuse] = UInt64(go.heap_inuse)
        stats[exactly: .heapReleased] = UInt64(go.heap_released)
        stats[exactly: .heapObjects] = UInt64(go.heap_objects)
        stats[exactly: .stackInuse] = UInt64(go.stack_inuse)
        stats[exactly: .stackSys] = UInt64(go.stack_sys)
        stats[exactly: .mSpanInuse] = UInt64(go.mspan_inuse)
        stats[exactly: .mSpanSys] = UInt64(go.mspan_sys)
        stats[exactly: .mCacheInuse] = UInt64(go.mcache_inuse)
        stats[exactly: .mCacheSys] = UInt64(go.mcache_sys)
        stats[exactly: .buckHashSys] = UInt64(go.buck_hash_sys)
        stats[exactly: .gcSys] = UInt64(go.gc_sys)
        stats[exactly: .otherSys] = UInt64(go.other_sys)
        stats[exactly: .nextGC] = UInt64(go.next_gc)
        stats[exactly: .lastGC] = UInt64(go.last_gc)
        stats[exactly: .pauseTotalNs] = UInt64(go.pause_total_ns)
        stats[exactly: .numGC] = UInt64(go.num_gc)
        stats[exactly: .numForcedGC] = UInt64(go.num_forced_gc)
        stats[.gcCPUFraction] = go.gc_cpu_fraction
    }
}

/// Boehm's collector beside glibc: under allocator boehm a process has two heaps, glibc's for
/// malloc and Boehm's for the explicit interface, and MemStats describe both (as go-gc's describe
/// GoAlloc's one heap that serves both): glibc's `mallinfo2` plus `GC_get_prof_stats`. Boehm's
/// heap is blocks of pages and its "free" bytes are those in free blocks, so its part of
/// HeapInuse counts every block with an object in it, garbage not yet reclaimed included, as Go's
/// does between a collection and its sweep. NumGC and PauseTotalNs are Boehm's (its pauses timed
/// by boehm.c from stop-world to start-world); counts and TotalAlloc come from the counting pass,
/// which counts both heaps.
enum BoehmStats {
    static func version() -> String {
        let raw = benchkit_boehm_version()
        return raw == 0 ? "Boehm GC (libgc.so.1 not loaded)" : "Boehm GC \(raw >> 16).\((raw >> 8) & 0xff).\(raw & 0xff)"
    }

    static func read(into stats: inout MemStatsSnapshot) {
        GlibcStats.read(into: &stats)
        var boehm = benchkit_boehm_stats()
        guard benchkit_boehm_read_stats(&boehm) != 0 else { return }
        let inUse = Double(boehm.heapsize_full - min(boehm.heapsize_full, boehm.free_bytes_full))
        func add(_ field: MemStatsField, _ value: Double) { stats[field] = (stats[field] ?? 0) + value }
        add(.heapSys, Double(boehm.heapsize_full))
        add(.heapIdle, Double(boehm.free_bytes_full))
        add(.heapInuse, inUse)
        add(.heapAlloc, inUse)
        add(.alloc, inUse)
        add(.sys, Double(boehm.obtained_from_os_bytes))
        stats[exactly: .heapReleased] = boehm.unmapped_bytes
        stats[exactly: .numGC] = boehm.gc_no
        stats[exactly: .pauseTotalNs] = boehm.pause_total_ns
    }
}

extension MemStatsSnapshot {
    /// The MemStats in a file that libgoalloc.so wrote as its process exited (a program cell run
    /// with `GOALLOC_MEMSTATS_OUT`): `struct goalloc_memstats` as it lies in memory. Nil when the
    /// bytes are not one such struct (a file cut short, or from another build).
    public init?(goAllocExitDump bytes: [UInt8]) {
        guard bytes.count == MemoryLayout<goalloc_memstats>.size else { return nil }
        var go = goalloc_memstats()
        withUnsafeMutableBytes(of: &go) { $0.copyBytes(from: bytes) }
        self.init()
        GoAllocStats.read(go, into: &self)
    }
}
