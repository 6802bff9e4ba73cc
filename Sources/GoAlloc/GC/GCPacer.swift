// GoAlloc: Go's allocator in Swift. The design, and how this part fits in, is the essay at the top of
// Malloc.swift (as Go's malloc.go introduces its runtime allocator).

#if canImport(Glibc)
import Glibc
#endif
import CGoAlloc

/// When to collect (Go's gcControllerState, runtime/mgcpacer.go, for a stop-the-world collector).
///
/// After each cycle the goal is `marked x (1 + GOGC/100)`, at least Go's minimum heap
/// (4 MiB x GOGC/100: 4 MiB at the default GOGC=100). Go starts a cycle at a trigger before the
/// goal, so that concurrent marking finishes by the time the heap reaches it; Go keeps the trigger
/// between 70% and 95% of the way from the marked heap to the goal. GoAlloc's collector marks with
/// the world stopped, so nothing is allocated while it marks: it uses the upper bound, 95%. GOGC
/// negative (`off`) turns collection off: goal and trigger are infinite, as in Go.
///
/// `heapLive` counts the managed heap as Go counts heapLive: the bytes of objects marked in the
/// last cycle, plus every span slot and large object handed to a thread since (counted when the
/// span is cached, not per object). The explicit heap is not collected, so it is not paced.
struct GCPacer {
    static let minimumHeapGoal: UInt64 = 4 << 20
    static let triggerPercent: UInt64 = 95

    /// GOGC.
    private(set) var gcPercent = 100
    /// Bytes marked by the last cycle.
    private(set) var heapMarked: UInt64 = 0
    private(set) var heapGoal: UInt64 = 0
    /// Read without the lock by the allocation slow path (relaxed), written under it.
    var trigger: UInt64 = 0
    /// Updated with atomic adds by the allocation slow path; set by a cycle.
    var heapLive: UInt64 = 0

    mutating func initialize(gcPercent: Int) {
        self.gcPercent = gcPercent
        commit()
    }

    /// Sets GOGC and returns the old value (debug.SetGCPercent). Heap lock held.
    mutating func setGCPercentLocked(_ percent: Int) -> Int {
        assertHeapLockHeld()
        let old = gcPercent
        gcPercent = percent < 0 ? -1 : percent
        commit()
        return old
    }

    /// A cycle marked `marked` bytes: the heap live now. Heap lock held.
    mutating func endCycleLocked(marked: UInt64) {
        assertHeapLockHeld()
        heapMarked = marked
        goalloc_store_relaxed(&heapLive, marked)
        commit()
    }

    /// Recomputes the goal and the trigger.
    private mutating func commit() {
        guard gcPercent >= 0 else {
            heapGoal = .max
            goalloc_store_relaxed(&trigger, .max)
            return
        }
        let percent = UInt64(gcPercent)
        let minimum = Self.minimumHeapGoal * percent / 100
        heapGoal = max(heapMarked + heapMarked * percent / 100, minimum)
        goalloc_store_relaxed(&trigger, heapMarked + (heapGoal - heapMarked) * Self.triggerPercent / 100)
    }

    /// The heap goal in pages while collection is on, else 0: the scavenger keeps 10% over it.
    var scavengeGoalPages: Int {
        gcPercent < 0 ? 0 : Int(heapGoal >> UInt64(SizeClasses.pageShift))
    }

    /// GOGC from the environment, read as Go's readGOGC does: `off` is -1, a number is itself,
    /// anything else (or nothing) is 100. Called during initialisation: getenv and the digits are
    /// read without allocating.
    static func percentFromEnvironment() -> Int {
        guard let value = getenv("GOGC") else { return 100 }
        let off: StaticString = "off"
        if strcmp(value, UnsafeRawPointer(off.utf8Start).assumingMemoryBound(to: CChar.self)) == 0 { return -1 }
        var result = 0
        var index = 0
        while value[index] != 0 {
            let digit = Int(value[index]) - 48
            guard digit >= 0 && digit <= 9 && result < Int.max / 20 else { return 100 }
            result = result * 10 + digit
            index += 1
        }
        return index == 0 ? 100 : result
    }
}
