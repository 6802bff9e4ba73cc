// GoAlloc: Go's allocator in Swift. The design, and how this part fits in, is the essay at the top of
// Malloc.swift (as Go's malloc.go introduces its runtime allocator).

#if canImport(Glibc)
import Glibc
#endif
import CGoAlloc

/// The mark's work, shared by the workers that do it (Go's gcWork buffers and work.full,
/// runtime/mgcwork.go, and its parallel mark workers).
///
/// **Who marks.** The collecting thread, and up to `maxHelpers` of the threads stopped for the
/// cycle: GOALLOC_MARKHELPERS=N, read when the collector starts, 0 (marking alone) by default,
/// because on the 2-CPU machine this was built on a helper did not pay: BinaryTrees' median mark
/// 5% shorter at one thread, and at two (three threads on two CPUs) 20% shorter in one run and 14%
/// longer in the next (docs/goalloc.md, "Parallel marking"). A stopped thread waits in its stop signal's handler (StopTheWorld.c),
/// and every time it wakes there it calls ``goallocMarkHelp()``, which joins the round the
/// collector has open, if any. The collector opens a round to drain what the roots greyed and
/// wakes as many stopped threads as may help. The scheduler tends to wake a thread on its
/// waker's CPU, where it would only take turns with the collector, so a helper that finds itself
/// there narrows its CPU affinity to the others for the round and restores it after. A helper
/// runs below the stack pointer it published, so its frames are not roots; it allocates nothing
/// and takes no lock but this struct's spin lock.
///
/// **Work.** Each worker scans the objects on its own grey stack, depth first (a tree's walk keeps
/// the siblings of its path there). While another worker is idle, a busy one moves the older half
/// of its stack (the largest subtrees) to the shared list every ``shareEvery`` grey entries, and an
/// idle one takes up to ``batch`` objects from there.
///
/// **Marks.** Mark bytes, set with plain stores (``MSpan/gcmarkBytes``): two workers that reach an
/// object at once both mark it and both scan it, which costs time and loses nothing. Such an
/// object's bytes count twice in the round's marked bytes (the pacer's input); it needs two
/// workers on one object within a few instructions of each other.
///
/// **Termination.** `busy` counts the workers that have work or may make more. A worker whose
/// own stack is empty takes from the shared list, or becomes idle (`busy` - 1) and waits for the
/// shared list to fill or the round to end; all of it under `lock`, as is every move to the shared
/// list. So when `busy` reaches zero no grey object is left anywhere, and that worker ends the
/// round (`over`). The collector then closes the round (`open` = 0) and waits until no helper is
/// inside it: after the round no helper touches a mark.
struct MarkWork {
    /// Grey objects are (start, end) pairs: a worker shares, and takes, this many at most.
    static let batch = 64
    /// A busy worker checks for an idle one after every this many grey entries (objects, or
    /// spans the collector queued while it marked the roots alone).
    static let shareEvery: UInt64 = 16
    /// Helpers at most, whatever the CPUs.
    static let maxHelperSlots = 7

    var lock: UInt32 = 0
    /// Non-zero while the collector accepts helpers into the round.
    var open: UInt32 = 0
    /// Helpers between their check of `open` and their leaving (the collector waits for none).
    var inside: UInt32 = 0
    /// Set when `busy` reached zero: nothing is left to mark in this round.
    var over: UInt32 = 0
    /// Idle workers, read without the lock by busy ones deciding whether to share.
    var idle: UInt32 = 0
    /// Workers with work or about to find some (lock).
    var busy = 0
    /// Helper slots taken this round (lock).
    var joined = 0
    /// Helpers a round takes (set when the collector starts; 0 = the collector marks alone).
    var maxHelpers = 0
    /// The CPU the collector marks on this round (-1: unknown).
    var collectorCPU: Int32 = -1
    /// Grey (start, end) pairs any worker may take (lock), and their word count, readable without it.
    var shared = OffHeapWords()
    var sharedWords: UInt64 = 0
    /// What the helpers of the round marked and scanned, added as each leaves (lock).
    var marked: UInt64 = 0
    var helped: UInt64 = 0
    /// The helpers' grey stacks, `maxHelperSlots` of them (GCSys).
    var helperGrey: UnsafeMutablePointer<OffHeapWords>?

    /// GOALLOC_MARKHELPERS: the helpers a round takes (0 when unset; at most ``maxHelperSlots``).
    static func helpersFromEnvironment() -> Int {
        guard let value = getenv("GOALLOC_MARKHELPERS") else { return 0 }
        return min(max(Int(atoi(value)), 0), maxHelperSlots)
    }

    /// Bytes mapped for the work lists (GCSys).
    var sys: UInt64 {
        var total = shared.sys
        var slot = 0
        while slot < Self.maxHelperSlots, let stacks = helperGrey {
            total &+= stacks[slot].sys
            slot += 1
        }
        return total
    }
}

/// A stopped thread's part in the mark: joins the open round, if there is one and a slot is
/// free, and marks until the round is over. Called from the park loop of the stop handler.
func goallocMarkHelp() {
    let gc = Globals.shared.gc
    let work = gc.pointee.markWork.unsafelyUnwrapped
    guard goalloc_load_relaxed_u32(&work.pointee.open) != 0 else { return }
    goalloc_add_seq_u32(&work.pointee.inside, 1)
    defer { goalloc_add_seq_u32(&work.pointee.inside, -1) }
    guard goalloc_load_seq_u32(&work.pointee.open) != 0 else { return }
    goalloc_spin_lock(&work.pointee.lock)
    guard work.pointee.over == 0, work.pointee.joined < work.pointee.maxHelpers else {
        goalloc_spin_unlock(&work.pointee.lock)
        return
    }
    let grey = work.pointee.helperGrey.unsafelyUnwrapped + work.pointee.joined
    work.pointee.joined += 1
    work.pointee.busy += 1
    goalloc_spin_unlock(&work.pointee.lock)
    // The scheduler tends to wake a thread on its waker's CPU, where helping would only take
    // turns with the collector: a helper woken there moves to another CPU for the round.
    var saved = goalloc_cpu_mask()
    let moved = goalloc_leave_cpu(work.pointee.collectorCPU, &saved)
    defer { if moved == 1 { goalloc_restore_cpus(&saved) } }
    var marked: UInt64 = 0
    let objects = gc.markWorker(grey: grey, marked: &marked)
    goalloc_spin_lock(&work.pointee.lock)
    work.pointee.marked &+= marked
    work.pointee.helped &+= objects
    goalloc_spin_unlock(&work.pointee.lock)
}

extension UnsafeMutablePointer where Pointee == GC {
    /// Drains the collector's grey stack and what it greys in turn, with the helpers
    /// GOALLOC_MARKHELPERS allows; returns the objects scanned and adds the bytes marked. World
    /// stopped, heap lock held.
    func drainGreyLocked(marked: inout UInt64, helped: inout UInt64) -> UInt64 {
        assertHeapLockHeld()
        let work = pointee.markWork.unsafelyUnwrapped
        // Helpers are stopped threads: none without another registered thread.
        guard work.pointee.maxHelpers > 0, pointee.threads?.pointee.next != nil, pointee.grey.count > 0 else {
            return drainAlone(grey: &pointee.grey, marked: &marked)
        }
        goalloc_spin_lock(&work.pointee.lock)
        work.pointee.busy = 1
        work.pointee.joined = 0
        work.pointee.over = 0
        work.pointee.marked = 0
        work.pointee.helped = 0
        goalloc_store_relaxed_u32(&work.pointee.idle, 0)
        work.pointee.collectorCPU = goalloc_current_cpu()
        goalloc_spin_unlock(&work.pointee.lock)
        goalloc_store_seq_u32(&work.pointee.open, 1)
        // Only as many as can help: a thread woken for nothing could take the CPU of one marking.
        goalloc_stw_wake_parked(Int32(work.pointee.maxHelpers))
        let objects = markWorker(grey: &pointee.grey, marked: &marked)
        goalloc_store_seq_u32(&work.pointee.open, 0)
        // Yield: a helper may share this CPU (the scheduler places a woken thread where it likes),
        // and spinning would keep it from leaving for a whole time slice.
        while goalloc_load_seq_u32(&work.pointee.inside) != 0 { sched_yield() }
        marked &+= work.pointee.marked
        helped &+= work.pointee.helped
        return objects &+ work.pointee.helped
    }

    /// The mark alone: scans the objects of `grey`, and those they grey in turn, until none is
    /// left, span by span (SpanMark.swift). Returns how many it scanned.
    func drainAlone(grey: UnsafeMutablePointer<OffHeapWords>, marked: inout UInt64) -> UInt64 {
        var objects: UInt64 = 0
        let context = pointee.markContext
        while let scanned = scanNextGrey(grey, context: context, spanLocal: true, marked: &marked) { objects &+= scanned }
        return objects
    }

    /// One worker's loop in a round: scans the objects of `grey` (pushing what they grey),
    /// shares with idle workers, takes shared work when its own runs out, until the round is
    /// over. Returns the objects it scanned.
    func markWorker(grey: UnsafeMutablePointer<OffHeapWords>, marked: inout UInt64) -> UInt64 {
        let work = pointee.markWork.unsafelyUnwrapped
        let context = pointee.markContext
        var objects: UInt64 = 0, entries: UInt64 = 0
        repeat {
            // Object by object: spans are queued only by a mark running alone (SpanMark.swift).
            while let scanned = scanNextGrey(grey, context: context, spanLocal: false, marked: &marked) {
                objects &+= scanned
                entries &+= 1
                if entries % MarkWork.shareEvery == 0 && goalloc_load_relaxed_u32(&work.pointee.idle) != 0
                    && grey.pointee.count >= 4 {
                    share(from: grey)
                }
            }
        } while takeShared(into: grey)
        return objects
    }

    /// Moves the older half of `grey`'s pairs to the shared list (at most a batch).
    private func share(from grey: UnsafeMutablePointer<OffHeapWords>) {
        let work = pointee.markWork.unsafelyUnwrapped
        let words = min(grey.pointee.count / 4, MarkWork.batch) * 2
        goalloc_spin_lock(&work.pointee.lock)
        grey.pointee.moveBottom(words, to: &work.pointee.shared)
        goalloc_store_relaxed(&work.pointee.sharedWords, UInt64(work.pointee.shared.count))
        goalloc_spin_unlock(&work.pointee.lock)
    }

    /// Fills the empty `grey` from the shared list, waiting (idle) while it is empty and other
    /// workers are busy; false when the round is over.
    private func takeShared(into grey: UnsafeMutablePointer<OffHeapWords>) -> Bool {
        let work = pointee.markWork.unsafelyUnwrapped
        goalloc_spin_lock(&work.pointee.lock)
        if takeLocked(into: grey) {
            goalloc_spin_unlock(&work.pointee.lock)
            return true
        }
        work.pointee.busy -= 1
        if work.pointee.busy == 0 {
            goalloc_store_relaxed_u32(&work.pointee.over, 1)
            goalloc_spin_unlock(&work.pointee.lock)
            return false
        }
        goalloc_store_relaxed_u32(&work.pointee.idle, work.pointee.idle + 1)
        goalloc_spin_unlock(&work.pointee.lock)
        while true {
            if goalloc_load_relaxed_u32(&work.pointee.over) != 0 {
                goalloc_spin_lock(&work.pointee.lock)
                goalloc_store_relaxed_u32(&work.pointee.idle, work.pointee.idle - 1)
                goalloc_spin_unlock(&work.pointee.lock)
                return false
            }
            if goalloc_load_relaxed(&work.pointee.sharedWords) != 0 {
                goalloc_spin_lock(&work.pointee.lock)
                if takeLocked(into: grey) {
                    goalloc_store_relaxed_u32(&work.pointee.idle, work.pointee.idle - 1)
                    work.pointee.busy += 1
                    goalloc_spin_unlock(&work.pointee.lock)
                    return true
                }
                goalloc_spin_unlock(&work.pointee.lock)
            }
            // Yield rather than spin, for the same reason as the collector's wait for helpers.
            sched_yield()
        }
    }

    /// Moves up to a batch of shared pairs onto `grey`; false when there are none. `lock` held.
    private func takeLocked(into grey: UnsafeMutablePointer<OffHeapWords>) -> Bool {
        let work = pointee.markWork.unsafelyUnwrapped
        guard work.pointee.shared.count > 0 else { return false }
        work.pointee.shared.moveTop(min(work.pointee.shared.count, MarkWork.batch * 2), to: &grey.pointee)
        goalloc_store_relaxed(&work.pointee.sharedWords, UInt64(work.pointee.shared.count))
        return true
    }
}
