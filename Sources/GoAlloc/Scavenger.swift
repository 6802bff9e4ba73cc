// GoAlloc: Go's allocator in Swift. The design, and how this part fits in, is the essay at the top of
// Malloc.swift (as Go's malloc.go introduces its runtime allocator).

#if canImport(Glibc)
import Glibc
#endif
import CGoAlloc

/// Returns idle pages to the OS (Go's scavenger, runtime/mgcscavenge.go).
///
/// In the background, a thread releases free pages from the top of the heap down with
/// MADV_DONTNEED (Ready -> Prepared; they count in HeapReleased and read as zero when reused),
/// paced to about 1% of one CPU: after each step it sleeps 99 times as long as the step took. It
/// keeps the heap's retained memory (in-use plus free-but-not-released pages) at or under 110% of
/// a goal, as Go 1.19 does with its heap goal: max(4 MiB, HeapInuse, the collector's heap goal
/// once the managed heap is in use), so after a cycle it keeps about 10% over the heap goal.
///
/// `freeOSMemory()` (Go's debug.FreeOSMemory) returns everything free at once.
///
/// The scavenger holds the pages it works on as allocated while it calls madvise, so the heap lock
/// is not held across the system call (as in Go).
struct Scavenger {
    /// Pages released per step: one madvise call of up to 512 KiB.
    static let stepPages = 64
    /// What a scavenge leaves resident: the heap's retained memory (in-use plus free pages not
    /// released) at or under `percent` over a goal, the larger of the minimum goal, the
    /// collector's heap goal and the pages in use now (or, `overPeak`, the most ever in use).
    struct Retention: Equatable {
        var overPeak: Bool
        var percent: Int

        /// The background thread's: Go's 10% over the heap as it is now.
        static let background = Retention(overPeak: false, percent: 10)
        /// An allocation's after it took released pages (scavengeAfterGrowth): over the heap's
        /// high-water mark, so that it bounds peak RSS without releasing pages the heap will use
        /// again when it climbs back to where it has been (each one a page fault). 18% is where
        /// AllocatorStress/LargeBlocks drew the line (docs/goalloc.md): peak RSS 1.09x jemalloc's,
        /// 1.33x the ns/op of keeping every free page (15%: 1.07x and 1.6x; 20%: 1.11x).
        static let afterGrowth = Retention(overPeak: true, percent: 18)
    }

    static let minimumGoalBytes = 4 << 20

    /// Non-zero once the background thread runs: read without the lock, set under it.
    var started: UInt64 = 0
    /// Pages released by the background thread since the start.
    var backgroundReleasedPages: UInt64 = 0
}

extension UnsafeMutablePointer where Pointee == MHeap {
    /// The pages the heap retains (in use, plus free pages not released) beyond what `retention`
    /// lets it keep: `retention.percent` over the largest of the minimum goal, the pages in use now
    /// (or, `overPeak`, the most ever in use) and `collectorGoalPages`. Zero or less: nothing to
    /// release.
    func pagesRetainedOverLocked(_ retention: Scavenger.Retention, collectorGoalPages: Int) -> Int {
        assertHeapLockHeld()
        let inUse = pointee.pagesInUse
        let freeReady = pointee.pagesMapped - pointee.pagesAllocated - pointee.pagesReleased
        let base = retention.overPeak ? pointee.pagesInUsePeak : inUse
        let goal = max(Scavenger.minimumGoalBytes >> SizeClasses.pageShift, base, collectorGoalPages)
        return inUse + freeReady - (goal + goal * retention.percent / 100)
    }
}

extension UnsafeMutablePointer where Pointee == Globals {
    /// Starts the background scavenger once the heap has grown past what the scavenger always
    /// retains (the minimum goal plus 10%): below that it would never release a page, and a small
    /// process (a shell tool running with GoAlloc as its malloc) is spared a thread; `evenIfSmall`
    /// starts it regardless. Called with no lock held (pthread_create may itself allocate).
    func startScavengerIfNeeded(evenIfSmall: Bool = false) {
        guard goalloc_load_relaxed(&pointee.scavenger.started) == 0 else { return }
        heap.pointee.lock.lock()
        let minimumRetained = Scavenger.minimumGoalBytes + Scavenger.minimumGoalBytes * Scavenger.Retention.background.percent / 100
        let start = pointee.scavenger.started == 0
            && (evenIfSmall || heap.pointee.pagesMapped << SizeClasses.pageShift > minimumRetained)
        if start { goalloc_store_relaxed(&pointee.scavenger.started, 1) }
        heap.pointee.lock.unlock()
        guard start else { return }
        var thread = pthread_t()
        pthread_create(&thread, nil, { _ in Globals.shared.runScavenger() }, nil)
        pthread_detach(thread)
    }

    /// The background loop. It never keeps the process alive: a process whose main thread called
    /// pthread_exit ends when its last other thread ends (glibc's exit(0)), and the scavenger,
    /// finding itself that last thread, ends it the same way (checked at least every 100 ms).
    private func runScavenger() -> Never {
        var lastCheck: UInt64 = 0
        while true {
            let now = monotonicNanoseconds()
            if now - lastCheck >= 100_000_000 {
                lastCheck = now
                if goalloc_only_background_thread_left() != 0 { exit(0) }
            }
            let start = monotonicNanoseconds()
            let released = scavenge(maxPages: Scavenger.stepPages, keeping: .background)
            heap.pointee.lock.lock()
            pointee.scavenger.backgroundReleasedPages += UInt64(released)
            heap.pointee.lock.unlock()
            let worked = monotonicNanoseconds() - start
            // Nothing to do: look again in 100 ms. Else ~1% of a CPU, at least 1 ms between steps.
            let pause = released == 0 ? 100_000_000 : max(1_000_000, worked * 99)
            var duration = timespec(tv_sec: Int(pause / 1_000_000_000), tv_nsec: Int(pause % 1_000_000_000))
            nanosleep(&duration, nil)
        }
    }

    /// Releases up to `maxPages` free pages from the top of the heap; with a `retention`, only
    /// those the heap retains beyond it. Returns the pages released.
    func scavenge(maxPages: Int, keeping retention: Scavenger.Retention?) -> Int {
        heap.pointee.lock.lock()
        var wanted = maxPages
        if let retention {
            // After a cycle the collector's heap goal counts too: Go keeps 10% over it.
            wanted = min(wanted, heap.pagesRetainedOverLocked(retention, collectorGoalPages: gc.scavengeGoalPages))
        }
        guard wanted > 0, let run = heap.highestUnscavengedRunLocked(maxPages: wanted) else {
            heap.pointee.lock.unlock()
            return 0
        }
        _ = heap.allocRangeLocked(run.address, npages: run.npages)
        heap.pointee.lock.unlock()

        let start = monotonicNanoseconds()
        OSMemory.sysUnused(run.address, run.npages << SizeClasses.pageShift)

        heap.pointee.lock.lock()
        heap.freeRangeLocked(run.address, npages: run.npages)
        heap.markScavengedLocked(run.address, npages: run.npages)
        traceHeapLocked(GOALLOC_TRACE_SCAVENGE, start: start, bytes: run.npages << SizeClasses.pageShift, forced: retention == nil)
        heap.pointee.lock.unlock()
        return run.npages
    }
}

extension UnsafeMutablePointer where Pointee == Globals {
    /// Go's heap-growth scavenging (mheap.allocSpan): pages that allocations took from the
    /// released state (growth, or pages the scavenger had returned) make the heap retain more; as
    /// many free pages go back to the OS at once, down to `Retention.afterGrowth` (18% over the
    /// most the heap has had in use), instead of waiting for the background thread. Else a heap
    /// whose free runs do not fit the next requests keeps them all resident
    /// (AllocatorStress/LargeBlocks). After an allocation's slow path, no lock held.
    func scavengeAfterGrowth() {
        guard goalloc_load_relaxed(&heap.pointee.retainedGrowthPages) != 0 else { return }
        heap.pointee.lock.lock()
        let todo = Int(heap.pointee.retainedGrowthPages)
        heap.pointee.retainedGrowthPages = 0
        heap.pointee.lock.unlock()
        var released = 0
        while released < todo {
            let pages = scavenge(maxPages: todo - released, keeping: .afterGrowth)
            if pages == 0 { break }
            released += pages
        }
    }
}

/// CLOCK_MONOTONIC in nanoseconds.
func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
}
