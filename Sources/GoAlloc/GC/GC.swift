#if canImport(Glibc)
import Glibc
#endif
import CGoAlloc

/// The state of the garbage-collected (managed) heap (Go's `work`, `gcController` and the
/// managed half of `mheap_.central`): its central lists, the registry of the threads that use it,
/// the registered roots, the mark stack, the pacer and the collector's statistics. See
/// Malloc.swift's header for the design.
///
/// It lives in a block of its own, mapped when GoAlloc's state is created (OtherSys), and is
/// reached through `Globals.gc`.
///
/// Locks, always taken in this order: `cycleLock` (one collection at a time; thread exit), the heap
/// lock (the registry, the roots, the statistics, the pacer; and the whole of a collection), then
/// the managed central locks (their lists and spans, as for the explicit heap).
struct GC {
    /// One entry per span class (size class and noscan bit); entries 0 and 1 (class 0) list the
    /// managed large objects in `full`.
    static var spanClassCount: Int { 2 * SizeClasses.count }

    var cycleLock = Mutex()
    /// Non-zero once the stop signal's handler and the thread key exist (set under `cycleLock`).
    var started: UInt64 = 0
    /// The key whose destructor unregisters a thread when it exits.
    var threadKey = pthread_key_t()
    /// Registered threads (heap lock).
    var threads: UnsafeMutablePointer<GCThread>?
    /// GCThread structs (heap lock).
    var threadAlloc = FixAlloc(size: GCThread.bytes)
    /// The managed central lists, by span class (`spanClassCount` of them).
    var centrals: UnsafeMutablePointer<MCentral>?
    /// Ranges the program registered as roots (heap lock).
    var roots = OffHeapWords()
    /// The collecting thread's mark stack.
    var grey = OffHeapWords()
    /// The heap's bounds for this cycle's mark, taken as it starts (MarkContext.swift).
    var markContext = MarkContext()
    /// The mark's shared work and its helpers' stacks (MarkWork.swift), in this block.
    var markWork: UnsafeMutablePointer<MarkWork>?
    var pacer = GCPacer()
    /// The generational mode's state (GOALLOC_GENERATIONAL; off by default).
    var generational = Generational()

    // Statistics, guarded by the heap lock.

    var numGC: UInt32 = 0
    var numForcedGC: UInt32 = 0
    var pauseTotalNs: UInt64 = 0
    /// Wall clock (Unix ns) at the end of the last cycle.
    var lastGC: UInt64 = 0
    /// The rings of the last 256 pauses and their ends, 256 entries each.
    var pauseNs: UnsafeMutablePointer<UInt64>?
    var pauseEnd: UnsafeMutablePointer<UInt64>?
    /// Objects freed by sweeping, per size class (added atomically: refills sweep under a central lock).
    var sweptFrees: UnsafeMutablePointer<UInt64>?
    /// Allocations of threads that have exited, per size class, and their tiny allocations.
    var deadMallocs: UnsafeMutablePointer<UInt64>?
    var deadTinyAllocs: UInt64 = 0
    /// CLOCK_MONOTONIC when the state was made, for GCCPUFraction.
    var startNanos: UInt64 = 0
    /// GOALLOC_GCTRACE=1: a line per cycle on standard error (``GCTrace``).
    var trace = false

    /// Maps and sets up the state, charging the block to `otherSys`. Init lock held, so nothing
    /// here may allocate.
    static func create(charging otherSys: inout UInt64) -> UnsafeMutablePointer<GC> {
        let centralsOffset = (MemoryLayout<GC>.stride + 63) & ~63
        let ringsOffset = centralsOffset + spanClassCount * MemoryLayout<MCentral>.stride
        let countsOffset = ringsOffset + 2 * Int(GOALLOC_PAUSES) * MemoryLayout<UInt64>.stride
        let workOffset = (countsOffset + 2 * SizeClasses.count * MemoryLayout<UInt64>.stride + 63) & ~63
        let helperGreyOffset = workOffset + MemoryLayout<MarkWork>.stride
        let block = OSMemory.sysAlloc(helperGreyOffset + MarkWork.maxHelperSlots * MemoryLayout<OffHeapWords>.stride,
                                      charging: &otherSys)
        let gc = block.bindMemory(to: GC.self, capacity: 1)
        gc.initialize(to: GC())
        gc.pointee.cycleLock.initialize(rank: .gcCycle)
        let centrals = (block + centralsOffset).bindMemory(to: MCentral.self, capacity: spanClassCount)
        var raw = 0
        while raw < spanClassCount {
            (centrals + raw).initialize(to: MCentral())
            centrals[raw].lock.initialize(rank: .managedCentral)
            centrals[raw].spanclass = SpanClass(sizeClass: raw >> 1, noscan: raw & 1 != 0)
            raw += 1
        }
        gc.pointee.centrals = centrals
        let rings = (block + ringsOffset).bindMemory(to: UInt64.self, capacity: 2 * Int(GOALLOC_PAUSES))
        gc.pointee.pauseNs = rings
        gc.pointee.pauseEnd = rings + Int(GOALLOC_PAUSES)
        let counts = (block + countsOffset).bindMemory(to: UInt64.self, capacity: 2 * SizeClasses.count)
        gc.pointee.sweptFrees = counts
        gc.pointee.deadMallocs = counts + SizeClasses.count
        let work = (block + workOffset).bindMemory(to: MarkWork.self, capacity: 1)
        work.initialize(to: MarkWork())
        let helperGrey = (block + helperGreyOffset).bindMemory(to: OffHeapWords.self, capacity: MarkWork.maxHelperSlots)
        helperGrey.initialize(repeating: OffHeapWords(), count: MarkWork.maxHelperSlots)
        work.pointee.helperGrey = helperGrey
        gc.pointee.markWork = work
        gc.pointee.pacer.initialize(gcPercent: GCPacer.percentFromEnvironment())
        gc.pointee.startNanos = monotonicNanoseconds()
        return gc
    }
}

extension UnsafeMutablePointer where Pointee == GC {
    @inline(__always)
    func central(_ spanclass: SpanClass) -> UnsafeMutablePointer<MCentral> {
        pointee.centrals.unsafelyUnwrapped + Int(spanclass.rawValue)
    }

    /// Installs the stop signal's handler and the thread key, once, on the first use of the
    /// managed heap (a process that never uses it keeps its signal dispositions as they were).
    func start() {
        guard goalloc_load_acquire(&pointee.started) == 0 else { return }
        pointee.cycleLock.lock()
        defer { pointee.cycleLock.unlock() }
        guard pointee.started == 0 else { return }
        if goalloc_stw_install() != 0 { fatal("cannot install the collector's stop signal handler") }
        pointee.trace = GCTrace.requested()
        pointee.generational.every = Generational.everyFromEnvironment()
        pointee.markWork.unsafelyUnwrapped.pointee.maxHelpers = MarkWork.helpersFromEnvironment()
        if pointee.markWork.unsafelyUnwrapped.pointee.maxHelpers > 0 { goalloc_stw_set_parked_work { goallocMarkHelp() } }
        pthread_key_create(&pointee.threadKey) { thread in
            guard let thread else { return }
            Globals.shared.pointee.gc.unsafelyUnwrapped.unregister(thread.assumingMemoryBound(to: GCThread.self))
        }
        goalloc_store_release(&pointee.started, 1)
    }

    /// The collector's heap goal in pages once the managed heap is in use and GOGC is on, else 0.
    /// Heap lock held.
    var scavengeGoalPages: Int {
        pointee.started != 0 ? pointee.pacer.scavengeGoalPages : 0
    }

    /// Calls `body` for each registered thread. Heap lock held.
    func forEachThreadLocked(_ body: (UnsafeMutablePointer<GCThread>) -> Void) {
        assertHeapLockHeld()
        var thread = pointee.threads
        while let current = thread {
            thread = current.pointee.next
            body(current)
        }
    }

    /// Adds the managed heap's allocations and sweep-time frees to ReadMemStats's per-class
    /// counts, and returns the tiny allocations, which Go counts as both a malloc and a free (the
    /// tiny blocks themselves are counted in their class). Heap lock held.
    func addCountsLocked(mallocs: UnsafeMutablePointer<UInt64>, frees: UnsafeMutablePointer<UInt64>) -> UInt64 {
        assertHeapLockHeld()
        var tiny = pointee.deadTinyAllocs
        var sizeClass = 1
        while sizeClass < SizeClasses.count {
            mallocs[sizeClass] &+= pointee.deadMallocs.unsafelyUnwrapped[sizeClass]
            frees[sizeClass] &+= goalloc_load_relaxed(pointee.sweptFrees.unsafelyUnwrapped + sizeClass)
            sizeClass += 1
        }
        forEachThreadLocked { thread in
            tiny &+= goalloc_load_relaxed(&thread.pointee.tinyAllocs)
            var raw = 2
            while raw < GC.spanClassCount {
                mallocs[raw >> 1] &+= goalloc_load_relaxed(&thread.entry(raw).pointee.nmalloc)
                raw += 1
            }
        }
        return tiny
    }

    /// The collector's MemStats fields. Heap lock held.
    func fillStatsLocked(_ out: UnsafeMutablePointer<goalloc_memstats>) {
        assertHeapLockHeld()
        out.pointee.num_gc = pointee.numGC
        out.pointee.num_forced_gc = pointee.numForcedGC
        out.pointee.pause_total_ns = pointee.pauseTotalNs
        out.pointee.last_gc = pointee.lastGC
        // Before the managed heap is used there is no collector, and no goal (as the field's doc says).
        out.pointee.next_gc = pointee.started != 0 ? pointee.pacer.heapGoal : 0
        // A stop-the-world pause takes every CPU the program has, so GC's share of the CPU time
        // available since the start is its share of the wall time.
        let elapsed = monotonicNanoseconds() - pointee.startNanos
        out.pointee.gc_cpu_fraction = elapsed > 0 ? Double(pointee.pauseTotalNs) / Double(elapsed) : 0
        out.pointee.gc_sys &+= pointee.grey.sys + pointee.roots.sys + pointee.threadAlloc.sys + pointee.markWork.unsafelyUnwrapped.pointee.sys
            + pointee.generational.sys
        withUnsafeMutableBytes(of: &out.pointee.pause_ns) { ring in
            withUnsafeMutableBytes(of: &out.pointee.pause_end) { ends in
                var index = 0
                while index < Int(GOALLOC_PAUSES) {
                    ring.storeBytes(of: pointee.pauseNs.unsafelyUnwrapped[index], toByteOffset: index * 8, as: UInt64.self)
                    ends.storeBytes(of: pointee.pauseEnd.unsafelyUnwrapped[index], toByteOffset: index * 8, as: UInt64.self)
                    index += 1
                }
            }
        }
    }
}
