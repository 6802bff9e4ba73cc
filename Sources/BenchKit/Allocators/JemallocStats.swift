#if canImport(Glibc)
import Glibc
#endif

/// jemalloc's statistics through `mallctl`, read after flushing the calling thread's tcache and
/// refreshing `epoch`.
///
/// Every control name is translated once, in `init`, to its MIB (jemalloc's numeric form of a
/// name), and read with `mallctlbymib`: building names like `stats.arenas.4096.bins.12.nrequests`
/// at read time would allocate Swift strings through jemalloc itself, and a sample would count its
/// own strings. The per-class names differ only in the class index, the component that
/// ``read(into:)`` rewrites in the MIB.
final class JemallocStats {
    typealias Mallctl = @convention(c) (
        UnsafePointer<CChar>?, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int>?, UnsafeMutableRawPointer?, Int
    ) -> Int32
    typealias NameToMib = @convention(c) (UnsafePointer<CChar>?, UnsafeMutablePointer<Int>?, UnsafeMutablePointer<Int>?) -> Int32
    typealias ByMib = @convention(c) (
        UnsafePointer<Int>?, Int, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int>?, UnsafeMutableRawPointer?, Int
    ) -> Int32

    /// MALLCTL_ARENAS_ALL: statistics merged over all arenas.
    static let allArenas = 4096
    /// Where the class index sits in `stats.arenas.<i>.bins.<j>.<name>` and the lextent names.
    static let classIndexComponent = 4

    /// A control name in MIB form, in memory this object owns.
    private struct Mib {
        let components: UnsafeMutablePointer<Int>
        let count: Int
    }

    /// One kind of size class (small `bins` or large `lextents`) and how to read it. The sizes are
    /// in memory of their own, not an array: iterating an array allocates in a debug build.
    private struct SizeClasses {
        let sizes: UnsafeMutablePointer<Int>
        let count: Int
        let requests: Mib
        let current: Mib
    }

    let version: String
    private let byMib: ByMib
    private let page: Double
    private let mibs: [Mib]
    private let flush, epoch, allocated, active, dirty, muzzy, retained, metadata: Mib?
    private let bins, largeExtents: SizeClasses?

    /// nil when jemalloc's control interface is not loaded in this process.
    init?() {
        guard let mallctl = NativeStatsReader.symbol("mallctl", as: Mallctl.self),
              let nameToMib = NativeStatsReader.symbol("mallctlnametomib", as: NameToMib.self),
              let byMib = NativeStatsReader.symbol("mallctlbymib", as: ByMib.self)
        else { return nil }
        func value<T>(_ name: String, _ type: T.Type) -> T? {
            let pointer = UnsafeMutablePointer<T>.allocate(capacity: 1)
            defer { pointer.deallocate() }
            var size = MemoryLayout<T>.size
            return mallctl(name, pointer, &size, nil, 0) == 0 ? pointer.pointee : nil
        }
        var mibs: [Mib] = []
        func mib(_ name: String) -> Mib? {
            var count = 8
            let components = UnsafeMutablePointer<Int>.allocate(capacity: count)
            guard nameToMib(name, components, &count) == 0 else {
                components.deallocate()
                return nil
            }
            let mib = Mib(components: components, count: count)
            mibs.append(mib)
            return mib
        }
        self.byMib = byMib
        version = value("version", UnsafePointer<CChar>.self).map { "jemalloc " + String(cString: $0) } ?? "jemalloc"
        page = Double(value("arenas.page", Int.self) ?? 4096)
        let merged = "stats.arenas.\(Self.allArenas)"
        flush = mib("thread.tcache.flush")
        epoch = mib("epoch")
        allocated = mib("stats.allocated")
        active = mib("stats.active")
        dirty = mib("\(merged).pdirty")
        muzzy = mib("\(merged).pmuzzy")
        retained = mib("stats.retained")
        metadata = mib("stats.metadata")
        func sizeClasses(_ kind: String, count countName: String, live liveName: String) -> SizeClasses? {
            let count = Int(value(countName, UInt32.self) ?? 0)
            let sizes = (0..<count).compactMap { value("arenas.\(kind).\($0).size", Int.self) }
            guard sizes.count == count, let requests = mib("\(merged).\(kind)s.0.nrequests"),
                  let current = mib("\(merged).\(kind)s.0.\(liveName)") else { return nil }
            let storage = UnsafeMutablePointer<Int>.allocate(capacity: count)
            storage.initialize(from: sizes, count: count)
            return SizeClasses(sizes: storage, count: count, requests: requests, current: current)
        }
        bins = sizeClasses("bin", count: "arenas.nbins", live: "curregs")
        largeExtents = sizeClasses("lextent", count: "arenas.nlextents", live: "curlextents")
        self.mibs = mibs
        // jemalloc builds its control structures at the first refresh (metadata, a small block and
        // a few pages); done here, so that the first sample does not see them appear.
        var discarded = MemStatsSnapshot.withRoomForEveryField()
        read(into: &discarded)
    }

    deinit {
        mibs.forEach { $0.components.deallocate() }
        bins?.sizes.deallocate()
        largeExtents?.sizes.deallocate()
    }

    func read(into stats: inout MemStatsSnapshot) {
        call(flush)
        var refresh: UInt64 = 1 // writing any value to "epoch" refreshes the statistics
        if let epoch { _ = byMib(epoch.components, epoch.count, nil, nil, &refresh, MemoryLayout<UInt64>.size) }

        if let allocated = integer(allocated) {
            stats[.alloc] = Double(allocated)
            stats[.heapAlloc] = Double(allocated)
        }
        if let active = integer(active), let dirty = integer(dirty), let muzzy = integer(muzzy),
           let retained = integer(retained) {
            let idle = Double(dirty + muzzy) * page + Double(retained)
            stats[.heapInuse] = Double(active)
            stats[.heapIdle] = idle
            stats[.heapReleased] = Double(muzzy) * page + Double(retained)
            stats[.heapSys] = Double(active) + idle
        }
        if let metadata = integer(metadata) {
            stats[.otherSys] = Double(metadata)
        }
        if let heapSys = stats[.heapSys], let otherSys = stats[.otherSys] {
            stats[.sys] = heapSys + otherSys
        }

        // Requests and live objects per size class give Mallocs, TotalAlloc (class-rounded, as
        // Go's) and HeapObjects; Frees follows from Go's invariant HeapObjects = Mallocs - Frees.
        var mallocs: UInt64 = 0, totalAlloc: UInt64 = 0, live: UInt64 = 0
        add(bins, mallocs: &mallocs, totalAlloc: &totalAlloc, live: &live)
        add(largeExtents, mallocs: &mallocs, totalAlloc: &totalAlloc, live: &live)
        if mallocs > 0, mallocs >= live {
            stats[.mallocs] = Double(mallocs)
            stats[.totalAlloc] = Double(totalAlloc)
            stats[.heapObjects] = Double(live)
            stats[.frees] = Double(mallocs - live)
        }
    }

    /// Adds the requests, their class-rounded bytes and the live objects of every class of `kind`.
    private func add(_ kind: SizeClasses?, mallocs: inout UInt64, totalAlloc: inout UInt64, live: inout UInt64) {
        guard let kind else { return }
        for index in 0..<kind.count {
            kind.requests.components[Self.classIndexComponent] = index
            kind.current.components[Self.classIndexComponent] = index
            guard let requests = integer(kind.requests), let current = integer(kind.current) else { continue }
            mallocs += requests
            totalAlloc += requests * UInt64(kind.sizes[index])
            live += current
        }
    }

    /// Runs a control that takes and returns nothing (`thread.tcache.flush`).
    private func call(_ mib: Mib?) {
        guard let mib else { return }
        _ = byMib(mib.components, mib.count, nil, nil, nil, 0)
    }

    /// Reads an 8-byte statistic (`size_t` or `uint64_t`, the types of every one read here).
    private func integer(_ mib: Mib?) -> UInt64? {
        guard let mib else { return nil }
        var value: UInt64 = 0
        var size = MemoryLayout<UInt64>.size
        return byMib(mib.components, mib.count, &value, &size, nil, 0) == 0 ? value : nil
    }
}
