// GoAlloc: Go's allocator in Swift. The design, and how this part fits in, is the essay at the top of
// Malloc.swift (as Go's malloc.go introduces its runtime allocator).

#if canImport(Glibc)
import Glibc
#endif
import CGoAlloc

/// One collection (Go's gcStart through gcMarkTermination, here all with the world stopped): stop
/// the world, give every thread's cached spans back to the central lists, sweep what the last
/// cycle left unswept, mark, sweep the large objects (and, when forced, everything; else the
/// small objects' spans are swept lazily, see Sweep.swift), set the next goal, record the pause,
/// restart the world.
extension UnsafeMutablePointer where Pointee == GC {
    /// Collects now when `forced` (runtime.GC, counted in NumForcedGC); otherwise only if the
    /// heap is still past the trigger once this thread's turn comes (another thread may just
    /// have collected). The calling thread is registered and holds no GoAlloc lock.
    func collect(forced: Bool) {
        let cycles = goalloc_load_relaxed_u32(&pointee.numGC)
        pointee.cycleLock.lock()
        defer { pointee.cycleLock.unlock() }
        if !forced && (pointee.numGC != cycles
                       || goalloc_load_relaxed(&pointee.pacer.heapLive) < goalloc_load_relaxed(&pointee.pacer.trigger)) {
            return
        }
        var request = (gc: self, forced: forced)
        withUnsafeMutablePointer(to: &request) { request in
            // The collector's own registers go onto its stack too, to be scanned with the rest.
            goalloc_with_spilled_registers({ context, sp in
                let request = context.unsafelyUnwrapped.assumingMemoryBound(to: (gc: UnsafeMutablePointer<GC>, forced: Bool).self)
                request.pointee.gc.runCycle(forced: request.pointee.forced, sp: sp)
            }, request)
        }
    }

    /// The cycle proper; `sp` is the lowest address of the collecting thread's live stack.
    private func runCycle(forced: Bool, sp: UInt) {
        let me = UnsafeMutablePointer<GCThread>.current.unsafelyUnwrapped
        let heap = Globals.shared.heap
        heap.pointee.lock.lock()
        lockCentrals()
        var trace = GCTrace(heapBefore: goalloc_load_relaxed(&pointee.pacer.heapLive))
        let start = monotonicNanoseconds()
        trace.stop = start
        let epoch = stopTheWorldLocked(me: me)
        me.pointee.stop.sp = sp

        trace.flush = monotonicNanoseconds()
        forEachThreadLocked { $0.flushLocked(gc: self, centralsLocked: true) }
        trace.leftUnswept = UInt64(finishSweepLocked(heap: heap))
        let minor = nextCycleIsMinorLocked(forced: forced)
        trace.generational.minor = minor
        if stickyMarks && !minor { clearMarksLocked() }
        let marked = markRootsLocked(trace: &trace, minor: minor)
        trace.sweep = monotonicNanoseconds()
        // A full cycle of the generational mode sweeps at once: what it protects are the spans
        // the sweep leaves full.
        sweepLocked(heap: heap, eager: forced || (stickyMarks && !minor))
        pointee.pacer.endCycleLocked(marked: stickyMarks ? endGenerationalCycleLocked(minor: minor, marked: marked, heap: heap,
                                                                                     trace: &trace.generational)
                                                         : marked)
        trace.goal = pointee.pacer.heapGoal
        trace.start = monotonicNanoseconds()

        let pause = trace.start - start
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let end = UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
        let slot = Int(pointee.numGC % UInt32(GOALLOC_PAUSES))
        pointee.pauseNs.unsafelyUnwrapped[slot] = pause
        pointee.pauseEnd.unsafelyUnwrapped[slot] = end
        pointee.pauseTotalNs &+= pause
        pointee.lastGC = end
        if forced { pointee.numForcedGC &+= 1 }
        goalloc_store_relaxed_u32(&pointee.numGC, pointee.numGC &+ 1)
        startTheWorld(epoch)
        trace.end = monotonicNanoseconds()
        if pointee.trace { trace.write(cycle: pointee.numGC) }
        let globals = Globals.shared
        if globals.tracingLocked {
            globals.appendTraceEventLocked(trace.event(cycle: pointee.numGC, pause: pause, forced: forced))
        }

        unlockCentrals()
        heap.pointee.lock.unlock()
    }

    /// Takes every managed central's lock (after the heap lock).
    func lockCentrals() {
        var raw = 0
        while raw < GC.spanClassCount {
            pointee.centrals.unsafelyUnwrapped[raw].lock.lock()
            raw += 1
        }
    }

    func unlockCentrals() {
        var raw = GC.spanClassCount
        while raw > 0 {
            raw -= 1
            pointee.centrals.unsafelyUnwrapped[raw].lock.unlock()
        }
    }
}
