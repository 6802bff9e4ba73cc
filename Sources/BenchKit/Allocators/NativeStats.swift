import CBenchKit
import CGoAlloc
#if canImport(Glibc)
import Glibc
#endif

/// Reads an allocator's own statistics in the worker and maps them onto Go's MemStats fields.
///
/// Called after the measured run, never inside it. Each reader uses only what the allocator
/// exports; what it cannot say stays nil. The README's MemStats table documents each mapping.
enum NativeStats {
    /// The snapshot and the allocator's version string, for the allocator loaded in this process.
    static func read(_ name: AllocatorName) -> (stats: MemStatsSnapshot, version: String) {
        switch name {
        case .system: GlibcStats.read()
        case .jemalloc: JemallocStats.read()
        case .tcmalloc: TcmallocStats.read()
        case .mimalloc: MimallocStats.read()
        case .go: GoAllocStats.read()
        }
    }

    /// A C function of the loaded allocator, or nil.
    static func symbol<F>(_ name: String, as type: F.Type) -> F? {
        dlsym(nil, name).map { unsafeBitCast($0, to: type) }
    }
}

/// glibc: `mallinfo2` (all arenas). glibc keeps no cumulative counts; Mallocs, Frees and
/// TotalAlloc come from the counting pass.
enum GlibcStats {
    static func read() -> (stats: MemStatsSnapshot, version: String) {
        let info = mallinfo2()
        let inUse = Double(info.uordblks + info.hblkhd) // chunks in use, sbrk heap plus mmapped
        var stats = MemStatsSnapshot()
        stats[.heapAlloc] = inUse
        stats[.alloc] = inUse
        stats[.heapInuse] = inUse
        stats[.heapIdle] = Double(info.fordblks)
        stats[.heapSys] = Double(info.arena + info.hblkhd)
        stats[.sys] = Double(info.arena + info.hblkhd)
        return (stats, libcVersion())
    }

    static func libcVersion() -> String {
        var buffer = [UInt8](repeating: 0, count: 64)
        let length = buffer.withUnsafeMutableBufferPointer {
            confstr(Int32(_CS_GNU_LIBC_VERSION), UnsafeMutableRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), $0.count)
        }
        return length > 0 ? String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self) : "glibc"
    }
}

/// jemalloc: `mallctl` after refreshing `epoch` and flushing this thread's tcache.
enum JemallocStats {
    typealias Mallctl = @convention(c) (
        UnsafePointer<CChar>?, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int>?, UnsafeMutableRawPointer?, Int
    ) -> Int32

    /// MALLCTL_ARENAS_ALL: statistics merged over all arenas.
    static let allArenas = 4096

    static func read() -> (stats: MemStatsSnapshot, version: String) {
        guard let mallctl = NativeStats.symbol("mallctl", as: Mallctl.self) else { return (MemStatsSnapshot(), "jemalloc") }
        func value<T>(_ name: String, _ type: T.Type) -> T? {
            let pointer = UnsafeMutablePointer<T>.allocate(capacity: 1)
            defer { pointer.deallocate() }
            var size = MemoryLayout<T>.size
            return mallctl(name, pointer, &size, nil, 0) == 0 ? pointer.pointee : nil
        }
        _ = mallctl("thread.tcache.flush", nil, nil, nil, 0)
        var epoch: UInt64 = 1 // writing any value to "epoch" refreshes the statistics
        _ = withUnsafeMutablePointer(to: &epoch) { mallctl("epoch", nil, nil, $0, MemoryLayout<UInt64>.size) }

        let version = value("version", UnsafePointer<CChar>.self).map { "jemalloc " + String(cString: $0) } ?? "jemalloc"
        var stats = MemStatsSnapshot()
        let merged = "stats.arenas.\(allArenas)"
        let page = Double(value("arenas.page", Int.self) ?? 4096)
        if let allocated = value("stats.allocated", Int.self) {
            stats[.alloc] = Double(allocated)
            stats[.heapAlloc] = Double(allocated)
        }
        if let active = value("stats.active", Int.self),
           let dirty = value("\(merged).pdirty", Int.self), let muzzy = value("\(merged).pmuzzy", Int.self),
           let retained = value("stats.retained", Int.self) {
            let idle = Double(dirty + muzzy) * page + Double(retained)
            stats[.heapInuse] = Double(active)
            stats[.heapIdle] = idle
            stats[.heapReleased] = Double(muzzy) * page + Double(retained)
            stats[.heapSys] = Double(active) + idle
        }
        if let metadata = value("stats.metadata", Int.self) {
            stats[.otherSys] = Double(metadata)
        }
        if let heapSys = stats[.heapSys], let otherSys = stats[.otherSys] {
            stats[.sys] = heapSys + otherSys
        }

        // Requests and live objects per size class give Mallocs, TotalAlloc (class-rounded, as
        // Go's) and HeapObjects; Frees follows from Go's invariant HeapObjects = Mallocs - Frees.
        var mallocs: UInt64 = 0, totalAlloc: UInt64 = 0, live: UInt64 = 0
        let classes = [("bin", value("arenas.nbins", UInt32.self) ?? 0, "curregs"),
                       ("lextent", value("arenas.nlextents", UInt32.self) ?? 0, "curlextents")]
        for (kind, count, liveName) in classes {
            for index in 0..<Int(count) {
                guard let size = value("arenas.\(kind).\(index).size", Int.self),
                      let requests = value("\(merged).\(kind)s.\(index).nrequests", UInt64.self),
                      let current = value("\(merged).\(kind)s.\(index).\(liveName)", Int.self)
                else { continue }
                mallocs += requests
                totalAlloc += requests * UInt64(size)
                live += UInt64(current)
            }
        }
        if mallocs > 0, mallocs >= live {
            stats[.mallocs] = Double(mallocs)
            stats[.totalAlloc] = Double(totalAlloc)
            stats[.heapObjects] = Double(live)
            stats[.frees] = Double(mallocs - live)
        }
        return (stats, version)
    }
}

/// gperftools tcmalloc: `MallocExtension_GetNumericProperty`. No cumulative counts; Mallocs,
/// Frees and TotalAlloc come from the counting pass.
enum TcmallocStats {
    typealias GetProperty = @convention(c) (UnsafePointer<CChar>?, UnsafeMutablePointer<Int>?) -> Int32
    typealias Version = @convention(c) (UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<Int32>?,
                                        UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> UnsafePointer<CChar>?

    static func read() -> (stats: MemStatsSnapshot, version: String) {
        let version = NativeStats.symbol("tc_version", as: Version.self)
            .flatMap { $0(nil, nil, nil) }.map { String(cString: $0) } ?? "tcmalloc"
        guard let get = NativeStats.symbol("MallocExtension_GetNumericProperty", as: GetProperty.self) else {
            return (MemStatsSnapshot(), version)
        }
        func property(_ name: String) -> Double? {
            var value = 0
            return get(name, &value) != 0 ? Double(value) : nil
        }
        var stats = MemStatsSnapshot()
        stats[.alloc] = property("generic.current_allocated_bytes")
        stats[.heapAlloc] = stats[.alloc]
        if let heapSys = property("generic.heap_size"),
           let free = property("tcmalloc.pageheap_free_bytes"),
           let unmapped = property("tcmalloc.pageheap_unmapped_bytes") {
            stats[.heapSys] = heapSys
            stats[.heapIdle] = free + unmapped
            stats[.heapReleased] = unmapped
            stats[.heapInuse] = heapSys - free - unmapped // spans in use, with their cached free objects
            stats[.sys] = heapSys
        }
        return (stats, version)
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

    static func read() -> (stats: MemStatsSnapshot, version: String) {
        let version = NativeStats.symbol("mi_version", as: Version.self).map { raw -> String in
            let v = Int(raw())
            return "mimalloc \(v / 100).\(v / 10 % 10).\(v % 10)"
        } ?? "mimalloc"
        var stats = MemStatsSnapshot()
        if let info = NativeStats.symbol("mi_process_info", as: ProcessInfo.self) {
            var committed = 0
            info(nil, nil, nil, nil, nil, &committed, nil, nil)
            stats[.heapSys] = Double(committed)
            stats[.sys] = Double(committed)
        }
        return (stats, version)
    }
}

/// GoAlloc: its own MemStats, every field with Go's meaning, read through the function that
/// libgoalloc.so exports (the worker runs with the library preloaded).
enum GoAllocStats {
    typealias ReadMemStats = @convention(c) (UnsafeMutablePointer<goalloc_memstats>) -> Void

    static func read() -> (stats: MemStatsSnapshot, version: String) {
        guard let readMemStats = NativeStats.symbol("goalloc_read_memstats", as: ReadMemStats.self) else {
            return (MemStatsSnapshot(), "GoAlloc (libgoalloc.so not loaded)")
        }
        var go = goalloc_memstats()
        readMemStats(&go)
        let values: [MemStatsField: UInt64] = [
            .alloc: go.alloc, .totalAlloc: go.total_alloc, .sys: go.sys, .mallocs: go.mallocs, .frees: go.frees,
            .heapAlloc: go.heap_alloc, .heapSys: go.heap_sys, .heapIdle: go.heap_idle, .heapInuse: go.heap_inuse,
            .heapReleased: go.heap_released, .heapObjects: go.heap_objects, .stackInuse: go.stack_inuse,
            .stackSys: go.stack_sys, .mSpanInuse: go.mspan_inuse, .mSpanSys: go.mspan_sys, .mCacheInuse: go.mcache_inuse,
            .mCacheSys: go.mcache_sys, .buckHashSys: go.buck_hash_sys, .gcSys: go.gc_sys, .otherSys: go.other_sys,
            .nextGC: go.next_gc, .lastGC: go.last_gc, .pauseTotalNs: go.pause_total_ns, .numGC: UInt64(go.num_gc),
            .numForcedGC: UInt64(go.num_forced_gc),
        ]
        var stats = MemStatsSnapshot(values.mapValues { Double($0) })
        stats[.gcCPUFraction] = go.gc_cpu_fraction
        return (stats, "GoAlloc (Go 1.19 design)")
    }
}
