import Foundation
import Testing
@testable import GoAlloc

/// The generational mode (GOALLOC_GENERATIONAL, GC/Generational.swift), each test in a fresh
/// process that sets it before the collector starts.
@Suite struct GenerationalTests {
    /// Allocates loose garbage until a paced cycle has run; returns whether it was minor.
    static func runPacedCycle() -> Bool {
        let gc = Globals.shared.gc
        let cycles = GoAlloc.readMemStats().numGC
        let minors = gc.pointee.generational.minorCycles
        var round: UInt = 0
        while GoAlloc.readMemStats().numGC == cycles {
            _ = makeLooseGarbage(2_000, firstID: 1 << 40 + round * 2_000)
            round += 1
        }
        return gc.pointee.generational.minorCycles > minors
    }

    /// Sets GOALLOC_GENERATIONAL (or unsets it: nil), then builds a chain of `count` nodes that a
    /// registered root holds and collects: the chain is old, its spans protected.
    static func oldChain(_ count: Int, generational: String?) -> RootSlots {
        if let generational { setenv("GOALLOC_GENERATIONAL", generational, 1) } else { unsetenv("GOALLOC_GENERATIONAL") }
        GoAlloc.Managed.registerThread()
        let roots = RootSlots(count: 1)
        roots.slots[0] = UInt(bitPattern: Node.chain(count, firstID: 1))
        GoAlloc.Managed.collect()
        return roots
    }

    /// A new node stored into edge 1 of the hidden node `old`, and nowhere else (out of line:
    /// its frame is gone before the next cycle scans the stack). Returns it hidden.
    @inline(never)
    static func attachYoung(to old: UInt, id: UInt) -> UInt {
        let node = Node.make(id: id)
        Node.setEdge(reveal(old), 1, node)
        return hide(node)
    }

    /// A chain of old nodes (a full cycle's survivors, in write-protected spans), then, before
    /// each of eight paced cycles, a young node stored only into an old node (one in a full span,
    /// one in the chain's span with free slots, which caches fill with new objects) and nowhere
    /// else. The minor cycles between full ones must find both through the written pages.
    @Test func minorCyclesKeepYoungObjectsThatOnlyOldOnesReach() async {
        await #expect(processExitsWith: .success) {
            let roots = Self.oldChain(5_000, generational: "4")
            let gc = Globals.shared.gc
            guard gc.pointee.generational.runs.count > 0 else { exit(10) }
            let chain = Node.walk(UnsafeMutableRawPointer(bitPattern: roots.slots[0])!).map { hide($0) }
            var minors = 0
            var young: [(old: UInt, node: UInt, id: UInt)] = []
            for round in 0..<8 {
                // Edge 1 of a node deep in the chain (a full span), and of one of the first nodes
                // (allocated last: the chain's one span with free slots).
                for old in [chain[1_000 + round * 37], chain[round]] {
                    let id = UInt(1 << 30 + young.count)
                    young.append((old, Self.attachYoung(to: old, id: id), id))
                }
                if Self.runPacedCycle() { minors += 1 }
                for entry in young {
                    let node = reveal(entry.node)
                    guard Node.edge(reveal(entry.old), 1) == node, Node.isIntact(node), Node.id(node) == entry.id else { exit(1) }
                }
            }
            // Eight paced cycles with a full one every four: at least five minor.
            guard minors >= 5 else { exit(3) }
            guard Node.walk(UnsafeMutableRawPointer(bitPattern: roots.slots[0])!).count == 5_000 else { exit(4) }
            collectAndCheck()
            for entry in young where !Node.isIntact(reveal(entry.node)) { exit(5) }
        }
    }

    /// A forked child cannot use its parent's tracking (its descriptors read and protect the
    /// parent's pages, and its own pages lost their protection at the fork): its cycles are all
    /// full, so a young node stored only into an old one survives them.
    @Test func aForkedChildCollectsWithFullCycles() async {
        await #expect(processExitsWith: .success) {
            let roots = Self.oldChain(5_000, generational: "8")
            let old = hide(Node.walk(UnsafeMutableRawPointer(bitPattern: roots.slots[0])!)[1_000])
            let child = fork()
            if child == 0 {
                let young = Self.attachYoung(to: old, id: 7)
                var minors = 0
                for _ in 0..<3 where Self.runPacedCycle() { minors += 1 }
                let node = reveal(young)
                let intact = Node.edge(reveal(old), 1) == node && Node.isIntact(node) && Node.id(node) == 7
                _exit(minors == 0 && intact ? 0 : 1)
            }
            var status: Int32 = 0
            guard child > 0, waitpid(child, &status, 0) == child, status == 0 else { exit(1) }
            // The parent's minor cycles go on.
            guard Self.runPacedCycle() else { exit(2) }
        }
    }

    /// Minor cycles free young garbage: after one, HeapObjects is back near the old objects' count.
    @Test func minorCyclesFreeYoungGarbage() async {
        await #expect(processExitsWith: .success) {
            let roots = Self.oldChain(10_000, generational: "8")
            let old = GoAlloc.readMemStats().heapObjects
            guard Self.runPacedCycle() else { exit(1) }
            _ = finishSweepForTest()
            // What a minor cycle keeps beyond the old chain: the garbage made since it ran and
            // what the stacks happened to hold, far below the 4 MiB of garbage it was paced for.
            let after = GoAlloc.readMemStats().heapObjects
            guard after < old + 20_000 else { exit(2) }
            GoAlloc.checkInvariants(includingCaches: false)
        }
    }

    /// Without the setting every cycle is full and nothing is protected.
    @Test func offByDefault() async {
        await #expect(processExitsWith: .success) {
            let roots = Self.oldChain(5_000, generational: nil)
            guard !Self.runPacedCycle(), Globals.shared.gc.pointee.generational.runs.count == 0 else { exit(1) }
        }
    }
}

/// Sweeps every span the last cycle left unswept (so HeapObjects counts only what it kept).
func finishSweepForTest() -> Int {
    let gc = Globals.shared.gc, heap = Globals.shared.heap
    heap.pointee.lock.lock()
    gc.lockCentrals()
    defer {
        gc.unlockCentrals()
        heap.pointee.lock.unlock()
    }
    return gc.finishSweepLocked(heap: heap)
}
