import Foundation
import Testing
@testable import GoAlloc

/// Test nodes in the managed heap: an id, a check word derived from it, and `edges` pointers.
/// A node that was wrongly freed is zeroed and reused by the next allocations, so its check word
/// no longer matches its id.
enum Node {
    static let edges = 4
    static let bytes = (2 + edges) * 8

    static func make(id: UInt) -> UnsafeMutableRawPointer {
        let node = GoAlloc.Managed.allocate(byteCount: bytes)!
        node.storeBytes(of: id, as: UInt.self)
        node.storeBytes(of: check(id), toByteOffset: 8, as: UInt.self)
        return node
    }

    static func check(_ id: UInt) -> UInt { (id &* 0x9E37_79B9_7F4A_7C15) ^ 0x5555_5555 }

    static func id(_ node: UnsafeMutableRawPointer) -> UInt { node.load(as: UInt.self) }

    static func isIntact(_ node: UnsafeMutableRawPointer) -> Bool {
        GoAlloc.Managed.isLive(node) && node.load(fromByteOffset: 8, as: UInt.self) == check(id(node))
    }

    static func edge(_ node: UnsafeMutableRawPointer, _ index: Int) -> UnsafeMutableRawPointer? {
        node.load(fromByteOffset: 16 + index * 8, as: UnsafeMutableRawPointer?.self)
    }

    static func setEdge(_ node: UnsafeMutableRawPointer, _ index: Int, _ target: UnsafeMutableRawPointer?) {
        node.storeBytes(of: target, toByteOffset: 16 + index * 8, as: UnsafeMutableRawPointer?.self)
    }

    /// A chain of `count` nodes linked through edge 0; returns its head.
    static func chain(_ count: Int, firstID: UInt) -> UnsafeMutableRawPointer {
        var head: UnsafeMutableRawPointer?
        for offset in (0..<count).reversed() {
            let node = make(id: firstID + UInt(offset))
            setEdge(node, 0, head)
            head = node
        }
        return head!
    }

    /// The nodes of a chain, in order.
    static func walk(_ head: UnsafeMutableRawPointer) -> [UnsafeMutableRawPointer] {
        var nodes: [UnsafeMutableRawPointer] = []
        var next: UnsafeMutableRawPointer? = head
        while let node = next {
            nodes.append(node)
            next = edge(node, 0)
        }
        return nodes
    }
}

/// Addresses the test keeps without keeping their objects alive: the collector scans stacks and
/// roots for words that point into objects, and an address XORed with this mask never does.
let hiddenMask: UInt = 0xA5A5_0000_0000_0000

func hide(_ pointer: UnsafeRawPointer) -> UInt { UInt(bitPattern: pointer) ^ hiddenMask }
func reveal(_ hidden: UInt) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(bitPattern: hidden ^ hiddenMask)! }

/// A root range in malloc'd memory (not scanned unless registered), registered for its lifetime.
final class RootSlots: @unchecked Sendable {
    let slots: UnsafeMutablePointer<UInt>
    let count: Int

    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: 0, count: count)
        GoAlloc.Managed.registerRoot(slots, byteCount: count * 8)
    }

    deinit {
        GoAlloc.Managed.unregisterRoot(slots)
        slots.deallocate()
    }
}

/// Collects and checks every invariant of the heap and of MemStats.
func collectAndCheck() {
    GoAlloc.Managed.collect()
    GoAlloc.checkInvariants(includingCaches: false)
    #expect(violatedInvariants(GoAlloc.readMemStats()).isEmpty)
}

extension HeapTests {
    @Suite struct Collector {
        /// Graphs built on a thread that then exits (its stack is gone, so nothing stale of it is
        /// scanned): garbage, a chain reachable only through heap objects from a registered root,
        /// a node reachable only through an interior pointer, and a chain that the test thread
        /// then holds in a stack slot only.
        @Test func reclaimsTheUnreachableAndKeepsTheReachable() {
            GoAlloc.Managed.registerThread()
            let roots = RootSlots(count: 2)
            nonisolated(unsafe) var garbage: [UInt] = []
            nonisolated(unsafe) var hiddenStackChain: UInt = 0
            onNewThread {
                garbage = makeGarbage(200, firstID: 1_000)
                roots.slots[0] = UInt(bitPattern: Node.chain(50, firstID: 2_000))
                roots.slots[1] = UInt(bitPattern: Node.make(id: 3_000) + 20) // the middle of the node
                hiddenStackChain = hide(Node.chain(30, firstID: 4_000))
            }
            let before = GoAlloc.readMemStats()
            withUnsafeTemporaryAllocation(of: UInt.self, capacity: 1) { stackSlot in
                stackSlot[0] = hideOrReveal(hiddenStackChain)
                collectAndCheck()
                let stackChain = Node.walk(UnsafeMutableRawPointer(bitPattern: stackSlot[0])!)
                #expect(stackChain.count == 30 && stackChain.allSatisfy(Node.isIntact), "held by a stack slot")
                #expect(stackChain.map(Node.id) == (0..<30).map { 4_000 + UInt($0) })
            }
            #expect(garbage.map(reveal).filter { GoAlloc.Managed.isLive($0) }.isEmpty, "garbage reclaimed")
            let heapChain = Node.walk(UnsafeMutableRawPointer(bitPattern: roots.slots[0])!)
            #expect(heapChain.count == 50 && heapChain.allSatisfy(Node.isIntact), "reachable through heap objects")
            let interior = UnsafeMutableRawPointer(bitPattern: roots.slots[1] - 20)!
            #expect(Node.isIntact(interior) && Node.id(interior) == 3_000, "reachable through an interior pointer")
            let after = GoAlloc.readMemStats()
            #expect(after.frees - before.frees >= 200)
            #expect(after.numForcedGC == before.numForcedGC + 1 && after.numGC >= before.numGC + 1)
        }

        /// Several threads each keep a chain on their own stack and drop garbage, then wait while
        /// another thread collects: each stopped thread's stack is scanned, each keeps its chain.
        @Test func scansTheStacksOfStoppedThreads() throws {
            let threads = 4
            let built = DispatchSemaphore(value: 0), collected = DispatchSemaphore(value: 0)
            let results = ResultBox()
            for thread in 0..<threads {
                Thread.detachNewThread {
                    let id = UInt(10_000 * (thread + 1))
                    let chain = Node.chain(100, firstID: id)
                    results.add(garbage: makeLooseGarbage(100, firstID: id + 5_000))
                    built.signal()
                    collected.wait() // stopped here, in a futex wait, by the collection
                    let nodes = Node.walk(chain)
                    results.add(intact: nodes.count == 100 && nodes.allSatisfy(Node.isIntact)
                                && nodes.map(Node.id) == (0..<100).map { id + UInt($0) })
                    built.signal()
                }
            }
            for _ in 0..<threads { built.wait() }
            GoAlloc.Managed.registerThread()
            collectAndCheck()
            let garbage = results.garbage
            for _ in 0..<threads { collected.signal() }
            for _ in 0..<threads { built.wait() }
            #expect(results.intact == [true, true, true, true])
            #expect(garbage.count == 400)
            // Nothing reused the garbage yet: the threads only read after the cycle. These threads
            // live on, and a live frame may still hold a stale word that once pointed at a garbage
            // node (the scan is conservative, as Boehm's is): each such word may keep one node, so
            // the garbage is unlinked and a few survivors are allowed. The reclaiming of linked
            // garbage is checked exactly in reclaimsTheUnreachableAndKeepsTheReachable.
            let survivors = garbage.map(reveal).filter { GoAlloc.Managed.isLive($0) }
            #expect(survivors.count <= threads, "\(survivors.count) of \(garbage.count) garbage nodes survived")
        }

        final class ResultBox: @unchecked Sendable {
            private let lock = NSLock()
            private var garbageAddresses: [UInt] = []
            private var intactFlags: [Bool] = []
            func add(garbage: [UInt]) { lock.withLock { garbageAddresses += garbage } }
            func add(intact: Bool) { lock.withLock { intactFlags.append(intact) } }
            var garbage: [UInt] { lock.withLock { garbageAddresses } }
            var intact: [Bool] { lock.withLock { intactFlags } }
        }

        /// Starts `count` threads that each replace the nodes of a table (a managed object on
        /// their own stack) at random for `steps` steps, dropping garbage (`garbage`) after each,
        /// and check every node they hold; `meanwhile` runs on the calling thread (registered)
        /// until they are done. Returns whether each thread found all its nodes intact.
        func tableThreads(_ count: Int, size: Int, steps: Int, seed: Int,
                          garbage: @escaping @Sendable (inout SeededGenerator) -> Void,
                          meanwhile: (DispatchGroup) -> Void) -> [Bool] {
            let done = DispatchGroup()
            let failures = ResultBox()
            for thread in 0..<count {
                done.enter()
                Thread.detachNewThread {
                    var random = SeededGenerator(seed: UInt64(thread + seed))
                    let table = GoAlloc.Managed.allocate(byteCount: size * 8)!.assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
                    var intact = true
                    for step in 0..<steps {
                        let slot = Int.random(in: 0..<size, using: &random)
                        if let node = table[slot], !Node.isIntact(node) { intact = false }
                        table[slot] = Node.make(id: UInt(thread << 32 | step))
                        garbage(&random)
                    }
                    for slot in 0..<size { if let node = table[slot], !Node.isIntact(node) { intact = false } }
                    failures.add(intact: intact)
                    done.leave()
                }
            }
            GoAlloc.Managed.registerThread()
            meanwhile(done)
            return failures.intact
        }

        /// Threads replace table nodes and drop garbage of random sizes while the test thread
        /// collects again and again and the pacer triggers collections of its own: no live node
        /// is ever freed, whichever thread is stopped where.
        @Test func stopTheWorldUnderConcurrentAllocation() {
            let before = GoAlloc.readMemStats()
            var forced = 0
            let intact = tableThreads(3, size: 64, steps: 20_000, seed: 7, garbage: { random in
                _ = GoAlloc.Managed.allocate(byteCount: Int.random(in: 1...4_000, using: &random))
            }, meanwhile: { done in
                // A pause between forced cycles lets the threads run far enough to trigger their own.
                while done.wait(timeout: .now() + .milliseconds(2)) == .timedOut {
                    GoAlloc.Managed.collect()
                    forced += 1
                }
            })
            #expect(intact == Array(repeating: true, count: 3))
            collectAndCheck()
            let after = GoAlloc.readMemStats()
            #expect(after.numForcedGC - before.numForcedGC == UInt32(forced + 1))
            #expect(after.numGC - before.numGC > UInt32(forced + 1), "the pacer triggered cycles too")
        }

        /// The same with paced cycles only (GOGC=10, so there are many), which sweep lazily: the
        /// threads sweep spans for each other while they allocate, and no live node is lost.
        @Test func lazySweepUnderConcurrentAllocation() {
            let old = GoAlloc.Managed.setGCPercent(10)
            defer { _ = GoAlloc.Managed.setGCPercent(old) }
            let before = GoAlloc.readMemStats()
            let intact = tableThreads(2, size: 256, steps: 100_000, seed: 11, garbage: { _ in _ = Node.make(id: 0) },
                                      meanwhile: { $0.wait() })
            #expect(intact == Array(repeating: true, count: 2))
            let after = GoAlloc.readMemStats()
            #expect(after.numGC - before.numGC > 10, "paced cycles")
            #expect(after.numForcedGC == before.numForcedGC)
            collectAndCheck()
        }

        /// A random graph in the managed heap, mirrored by ids in Swift: after every step the graph
        /// reachable from the roots must match the mirror node for node and edge for edge, and
        /// each node's check word must hold. Garbage allocated at every step reuses any slot
        /// freed by mistake, which would break the check.
        @Test func randomGraphKeepsItsChecksum() {
            GoAlloc.Managed.registerThread()
            var random = SeededGenerator(seed: 42)
            let roots = RootSlots(count: 16)
            var mirrorRoots = [UInt?](repeating: nil, count: 16)
            var mirrorEdges: [UInt: [UInt?]] = [:]
            var nextID: UInt = 1
            var failures = 0
            for step in 0..<3_000 {
                let reachable = reachableNodes(roots)
                if step % 100 == 99 {
                    let expected = mirrorReachable(mirrorRoots, mirrorEdges)
                    if Set(reachable.map(Node.id)) != expected { failures += 1 }
                    for node in reachable {
                        let edges = (0..<Node.edges).map { Node.edge(node, $0).map(Node.id) }
                        if !Node.isIntact(node) || mirrorEdges[Node.id(node)] != edges { failures += 1 }
                    }
                    collectAndCheck()
                    continue
                }
                let node = Node.make(id: nextID)
                var edges = [UInt?](repeating: nil, count: Node.edges)
                for edge in 0..<Node.edges where !reachable.isEmpty && Bool.random(using: &random) {
                    let target = reachable.randomElement(using: &random)!
                    Node.setEdge(node, edge, target)
                    edges[edge] = Node.id(target)
                }
                mirrorEdges[nextID] = edges
                if reachable.isEmpty || Int.random(in: 0..<3, using: &random) == 0 {
                    let slot = Int.random(in: 0..<16, using: &random)
                    roots.slots[slot] = UInt(bitPattern: node)
                    mirrorRoots[slot] = nextID
                } else {
                    let parent = reachable.randomElement(using: &random)!
                    let edge = Int.random(in: 0..<Node.edges, using: &random)
                    Node.setEdge(parent, edge, node)
                    mirrorEdges[Node.id(parent)]![edge] = nextID
                }
                nextID += 1
                for _ in 0..<5 { _ = Node.make(id: 0) } // garbage
            }
            #expect(failures == 0)
        }

        /// The managed nodes reachable from the roots (found by following edges).
        func reachableNodes(_ roots: RootSlots) -> [UnsafeMutableRawPointer] {
            var seen: Set<UInt> = []
            var stack = (0..<roots.count).compactMap { UnsafeMutableRawPointer(bitPattern: roots.slots[$0]) }
            var nodes: [UnsafeMutableRawPointer] = []
            while let node = stack.popLast() {
                guard seen.insert(UInt(bitPattern: node)).inserted else { continue }
                nodes.append(node)
                for edge in 0..<Node.edges { if let target = Node.edge(node, edge) { stack.append(target) } }
            }
            return nodes
        }

        func mirrorReachable(_ roots: [UInt?], _ edges: [UInt: [UInt?]]) -> Set<UInt> {
            var seen: Set<UInt> = []
            var stack = roots.compactMap { $0 }
            while let id = stack.popLast() {
                guard seen.insert(id).inserted else { continue }
                stack += edges[id]!.compactMap { $0 }
            }
            return seen
        }

        /// GOGC off: the heap grows past any goal without a cycle; NextGC reads as infinite, as
        /// in Go. Back on, a collection reclaims the lot.
        @Test func gogcOffGrowsWithoutCollecting() {
            GoAlloc.Managed.registerThread()
            let previous = GoAlloc.Managed.setGCPercent(-1)
            let before = GoAlloc.readMemStats()
            // 300 x 64 KiB; a conservative scan may keep the last few, whose addresses can linger on the stack.
            for _ in 0..<300 { _ = GoAlloc.Managed.allocate(byteCount: 64 << 10, noscan: true) }
            let grown = GoAlloc.readMemStats()
            #expect(GoAlloc.Managed.setGCPercent(previous) == -1)
            #expect(grown.numGC == before.numGC)
            #expect(grown.heapAlloc - before.heapAlloc >= 16 << 20)
            #expect(grown.nextGC == UInt64.max)
            collectAndCheck()
            let collected = GoAlloc.readMemStats()
            #expect(grown.heapAlloc - collected.heapAlloc >= 16 << 20)
            #expect(collected.nextGC >= 4 << 20 && collected.nextGC < UInt64.max)
        }

        /// Go's pacing and pause statistics: after a cycle with little live, the goal is the 4 MiB
        /// minimum; allocating past it triggers a cycle by itself; each pause lands in the ring.
        @Test func pacesLikeGo() {
            GoAlloc.Managed.registerThread()
            #expect(GoAlloc.Managed.setGCPercent(100) == 100)
            collectAndCheck()
            let start = GoAlloc.readMemStats()
            #expect(start.nextGC == 4 << 20)
            let latest = Int((start.numGC + 255) % 256)
            #expect(start.pauseNs[latest] > 0 && start.pauseEnd[latest] == start.lastGC)
            #expect(abs(Double(start.lastGC) / 1e9 - Date().timeIntervalSince1970) < 60)
            #expect(start.pauseTotalNs >= start.pauseNs[latest])
            #expect(start.gcCPUFraction > 0 && start.gcCPUFraction < 1)
            for _ in 0..<(6 << 20) / 4096 { _ = GoAlloc.Managed.allocate(byteCount: 4096) }
            let paced = GoAlloc.readMemStats()
            #expect(paced.numGC > start.numGC && paced.numForcedGC == start.numForcedGC)
        }

        /// After a paced cycle the small objects' spans wait unswept (Go's lazy sweep): the cycle
        /// only moved them, `isLive` reads their marks, and refills sweep them one at a time. The
        /// live chain stays intact, the garbage's slots come back, and the invariants hold.
        @Test func pacedCyclesSweepLazily() throws {
            GoAlloc.Managed.registerThread()
            #expect(GoAlloc.Managed.setGCPercent(100) == 100)
            let roots = RootSlots(count: 1)
            collectAndCheck()
            roots.slots[0] = UInt(bitPattern: Node.chain(100, firstID: 5_000))
            let garbage = makeGarbage(2_000, firstID: 6_000)
            let nodes = Globals.shared.gc.central(SpanClass(sizeClass: SizeClasses.sizeClass(Node.bytes), noscan: false))
            func unswept() -> Int { nodes.pointee.unsweptPartial.count + nodes.pointee.unsweptFull.count }
            // Blocks of another class until the pacer starts a cycle by itself.
            let start = GoAlloc.readMemStats()
            var blocks = 0
            while GoAlloc.readMemStats().numGC == start.numGC {
                for _ in 0..<64 { _ = GoAlloc.Managed.allocate(byteCount: 4096) }
                blocks += 64
                try #require(blocks < 100_000, "no paced cycle after 400 MiB")
            }
            #expect(GoAlloc.readMemStats().numForcedGC == start.numForcedGC)
            let waiting = unswept()
            #expect(waiting > 0, "the nodes' spans wait unswept")
            #expect(garbage.map(reveal).filter { GoAlloc.Managed.isLive($0) }.isEmpty, "dead by the last mark")
            GoAlloc.checkInvariants(includingCaches: false)

            let fresh = (0..<2_000).map { Node.make(id: 8_000 + UInt($0)) }
            #expect(unswept() < waiting, "refills swept some")
            #expect(Set(fresh.map { hide($0) }).intersection(garbage).count > 0, "the garbage's slots are reused")
            let chain = Node.walk(UnsafeMutableRawPointer(bitPattern: roots.slots[0])!)
            #expect(chain.count == 100 && chain.allSatisfy(Node.isIntact))
            #expect(fresh.allSatisfy(Node.isIntact))
            GoAlloc.checkInvariants(includingCaches: false)
        }

        /// Pointer-free objects under 16 bytes share 16-byte blocks (Go's tiny allocator); each
        /// still counts as a malloc, the shared ones also as a free, as in Go.
        @Test func tinyObjectsShareBlocks() {
            GoAlloc.Managed.registerThread()
            // A collection now leaves the trigger far away: none can free the objects while only the
            // (unscanned) Swift array holds them.
            collectAndCheck()
            let before = GoAlloc.readMemStats()
            let objects = (0..<1_000).map { _ in GoAlloc.Managed.allocate(byteCount: 4, alignment: 4, noscan: true)! }
            let after = GoAlloc.readMemStats()
            let blocks = Set(objects.map { UInt(bitPattern: $0) & ~15 })
            #expect(Set(objects).count == 1_000 && blocks.count == 250)
            #expect(after.mallocs - before.mallocs == 1_000)
            #expect(after.heapObjects - before.heapObjects == 250)
            #expect(after.bySize[2].mallocs - before.bySize[2].mallocs == 250)
        }

        /// Parallel marking (GOALLOC_MARKHELPERS=1, set in a fresh process before the collector
        /// starts): a registered thread that sleeps through the collections is stopped by each and
        /// helps mark a tree of 32,767 nodes that a registered root holds. Over ten collections,
        /// with garbage between them, every node stays intact, and the helper scanned part of the
        /// tree in at least one of them.
        @Test func aStoppedThreadHelpsMarkAndNothingIsLost() async {
            await #expect(processExitsWith: .success) {
                setenv("GOALLOC_MARKHELPERS", "1", 1)
                GoAlloc.Managed.registerThread()
                let sleeper = DispatchSemaphore(value: 0), registered = DispatchSemaphore(value: 0)
                Thread.detachNewThread {
                    GoAlloc.Managed.registerThread()
                    registered.signal()
                    sleeper.wait() // stopped here by each collection, and a helper then
                }
                registered.wait()
                /// A complete binary tree of `depth` levels through edges 0 and 1; ids in heap order.
                func tree(_ depth: Int, id: UInt) -> UnsafeMutableRawPointer {
                    let node = Node.make(id: id)
                    if depth > 1 {
                        Node.setEdge(node, 0, tree(depth - 1, id: 2 * id))
                        Node.setEdge(node, 1, tree(depth - 1, id: 2 * id + 1))
                    }
                    return node
                }
                func count(_ node: UnsafeMutableRawPointer?, id: UInt) -> Int {
                    guard let node else { return 0 }
                    guard Node.isIntact(node), Node.id(node) == id else { return -1_000_000 }
                    return 1 + count(Node.edge(node, 0), id: 2 * id) + count(Node.edge(node, 1), id: 2 * id + 1)
                }
                let roots = RootSlots(count: 1)
                roots.slots[0] = UInt(bitPattern: tree(15, id: 1))
                var helped: UInt64 = 0
                for round in 0..<10 {
                    _ = makeLooseGarbage(3_000, firstID: 1 << 20 + UInt(round) * 3_000)
                    GoAlloc.Managed.collect()
                    helped += Globals.shared.gc.pointee.markWork.unsafelyUnwrapped.pointee.helped
                }
                let nodes = count(UnsafeMutableRawPointer(bitPattern: roots.slots[0]), id: 1)
                sleeper.signal()
                guard nodes == 32_767 else { exit(1) }
                guard helped > 0 else { exit(2) }
                GoAlloc.checkInvariants(includingCaches: false)
            }
        }

        /// Span-local marking (SpanMark.swift) scans a span's grey objects in address order and
        /// goes back for those its scan greys behind its position: a chain through 600 nodes of
        /// 48 bytes (four spans) in a shuffled order, each followed in memory by a garbage node,
        /// keeps every node and loses every garbage node, through three collections.
        @Test func aChainInShuffledOrderSurvivesSpanBySpanMarking() {
            GoAlloc.Managed.registerThread()
            let roots = RootSlots(count: 1)
            nonisolated(unsafe) var garbage: [UInt] = []
            onNewThread {
                var random = SeededGenerator(seed: 48)
                var nodes: [UnsafeMutableRawPointer] = []
                for index in 0..<600 {
                    nodes.append(Node.make(id: 7_000 + UInt(index)))
                    garbage.append(hide(Node.make(id: 9_000 + UInt(index))))
                }
                let order = nodes.shuffled(using: &random)
                for (node, next) in zip(order, order.dropFirst()) { Node.setEdge(node, 0, next) }
                roots.slots[0] = UInt(bitPattern: order[0])
            }
            for _ in 0..<3 { collectAndCheck() }
            let chain = Node.walk(UnsafeMutableRawPointer(bitPattern: roots.slots[0])!)
            #expect(chain.count == 600 && chain.allSatisfy(Node.isIntact), "every node of the chain kept")
            #expect(Set(chain.map(Node.id)) == Set((0..<600).map { 7_000 + UInt($0) }))
            #expect(garbage.map(reveal).filter { GoAlloc.Managed.isLive($0) }.isEmpty, "garbage reclaimed")
        }

        /// The sweep turns a span's mark bytes into its allocation bitmap: bit i of each word is
        /// mark byte i of its 64, for every pattern (random ones, and one byte set at each place).
        @Test func markBytesPackIntoBitmapWords() {
            var random = SeededGenerator(seed: 64)
            let marks = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 8)
            defer { marks.deallocate() }
            let patterns = (0..<200).map { _ in UInt64.random(in: 0...UInt64.max, using: &random) } + (0..<64).map { 1 << UInt64($0) }
            for pattern in patterns {
                for byte in 0..<64 { marks.storeBytes(of: UInt8((pattern >> UInt64(byte)) & 1), toByteOffset: byte, as: UInt8.self) }
                #expect(UnsafeMutablePointer<GC>.packMarks(marks) == pattern)
            }
        }

        /// The allocation fast path (each class's allocCache, one bitmap word at a time) hands out
        /// every free slot once: across bitmap words, across the last, partial word of a span
        /// (class 48: 170 objects), across spans, and after a collection freed every other object,
        /// when the slots it reuses come back zeroed (these are cleared after the safepoint
        /// window) and the live objects beside them keep their bytes. For both alignments the fast
        /// path serves (8: Go's classes; 16), and for objects under 16 bytes, which take a path of
        /// their own (8 bytes: 1,024 a span; 12 bytes: the 16-byte class).
        @Test(arguments: [(8, 48), (16, 48), (8, 8), (4, 12)])
        func allocationHandsOutEachFreeSlotOnceAndZeroed(alignment: Int, bytes: Int) {
            GoAlloc.Managed.registerThread()
            let count = 600
            let roots = RootSlots(count: count)
            func stamp(_ index: Int) -> UInt8 { UInt8(truncatingIfNeeded: index) | 1 }
            func isZero(_ object: UnsafeMutableRawPointer) -> Bool { (0..<bytes).allSatisfy { object.load(fromByteOffset: $0, as: UInt8.self) == 0 } }
            var fresh = true
            for index in 0..<count {
                let object = GoAlloc.Managed.allocate(byteCount: bytes, alignment: alignment, noscan: bytes >= 16)!
                fresh = fresh && isZero(object) && UInt(bitPattern: object) % UInt(alignment) == 0
                object.initializeMemory(as: UInt8.self, repeating: stamp(index), count: bytes)
                roots.slots[index] = UInt(bitPattern: object)
            }
            #expect(fresh, "every new object zeroed and aligned")
            let addresses = (0..<count).map { roots.slots[$0] }.sorted()
            #expect(zip(addresses, addresses.dropFirst()).allSatisfy { $1 - $0 >= UInt(bytes) }, "no two objects overlap")

            let freed = Set((0..<count).filter { $0 % 2 == 1 }.map { roots.slots[$0] })
            for index in stride(from: 1, to: count, by: 2) { roots.slots[index] = 0 }
            collectAndCheck()
            let live = Set((0..<count).filter { $0 % 2 == 0 }.map { roots.slots[$0] })
            var reused = 0, cleared = true, alive = true
            for _ in 0..<count / 2 {
                let object = GoAlloc.Managed.allocate(byteCount: bytes, alignment: alignment, noscan: bytes >= 16)!
                alive = alive && !live.contains(UInt(bitPattern: object))
                cleared = cleared && isZero(object)
                if freed.contains(UInt(bitPattern: object)) { reused += 1 }
            }
            #expect(alive, "no live object handed out again")
            #expect(cleared, "reused slots cleared")
            #expect(reused > 0, "the collection's freed slots were reused")
            #expect((0..<count).filter { $0 % 2 == 0 }.allSatisfy { index in
                let object = UnsafeMutableRawPointer(bitPattern: roots.slots[index])!
                return (0..<bytes).allSatisfy { object.load(fromByteOffset: $0, as: UInt8.self) == stamp(index) }
            }, "live objects keep their bytes")
        }
    }
}

/// A chain of `count` unreachable nodes, returned as hidden addresses. Out of line, so that no
/// real address of them is left in the caller's frame (which a conservative scan would see).
@inline(never)
func makeGarbage(_ count: Int, firstID: UInt) -> [UInt] {
    Node.walk(Node.chain(count, firstID: firstID)).map { hide($0) }
}

/// `count` unreachable nodes, not linked to one another, as hidden addresses (out of line too).
@inline(never)
func makeLooseGarbage(_ count: Int, firstID: UInt) -> [UInt] {
    (0..<count).map { hide(Node.make(id: firstID + UInt($0))) }
}

/// The identity on hidden addresses' way back (kept out of line, so the revealed value is made
/// inside the stack slot's closure).
@inline(never)
func hideOrReveal(_ hidden: UInt) -> UInt { hidden ^ hiddenMask }
