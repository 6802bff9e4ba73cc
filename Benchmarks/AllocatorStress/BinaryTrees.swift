/// binary-trees, as in the Computer Language Benchmarks Game, on the explicit allocator: each
/// thread keeps a long-lived tree of depth 14 and, per op, builds a tree of depth 10 (2047 nodes of
/// 24 bytes: two child pointers and a tag), walks it to check every node, and frees it. Many small
/// objects of one size, allocated together and freed together. One op is one tree.
final class BinaryTrees<Memory: BlockAllocator>: StressTest, @unchecked Sendable {
    static var depth: Int { 10 }
    static var longLivedDepth: Int { 14 }
    static var nodeBytes: Int { 24 }

    let setup: StressSetup<Memory>
    private let longLived: UnsafeMutablePointer<UnsafeMutableRawPointer>

    init(_ setup: StressSetup<Memory>) {
        self.setup = setup
        longLived = setup.memory.rootSlots(setup.threads)
        for thread in 0..<setup.threads {
            longLived[thread] = build(Self.longLivedDepth, tag: Stamp.tag(thread, -1))
        }
    }

    deinit {
        setup.memory.releaseRoots(longLived)
    }

    // A node: left child at 0, right child at 8, the tree's tag plus the node's depth at 16.

    private func build(_ depth: Int, tag: UInt64) -> UnsafeMutableRawPointer {
        let node = setup.memory.block(Self.nodeBytes)
        let children = depth == 0 ? (nil, nil) : (build(depth - 1, tag: tag), build(depth - 1, tag: tag))
        node.storeBytes(of: children.0, as: UnsafeMutableRawPointer?.self)
        node.storeBytes(of: children.1, toByteOffset: 8, as: UnsafeMutableRawPointer?.self)
        node.storeBytes(of: tag &+ UInt64(depth), toByteOffset: 16, as: UInt64.self)
        return node
    }

    /// Whether the tree has the shape and the tags ``build(_:tag:)`` gave it. Never follows more
    /// than `depth` links, so a corrupted tree cannot send it round in circles.
    private func check(_ node: UnsafeMutableRawPointer?, _ depth: Int, tag: UInt64) -> Bool {
        guard let node, node.load(fromByteOffset: 16, as: UInt64.self) == tag &+ UInt64(depth) else { return false }
        let left = node.load(as: UnsafeMutableRawPointer?.self)
        let right = node.load(fromByteOffset: 8, as: UnsafeMutableRawPointer?.self)
        if depth == 0 { return left == nil && right == nil }
        return check(left, depth - 1, tag: tag) && check(right, depth - 1, tag: tag)
    }

    private func free(_ node: UnsafeMutableRawPointer, _ depth: Int) {
        if depth > 0 {
            free(node.load(as: UnsafeMutableRawPointer.self), depth - 1)
            free(node.load(fromByteOffset: 8, as: UnsafeMutableRawPointer.self), depth - 1)
        }
        setup.memory.release(node, Self.nodeBytes)
    }

    /// Checks a tree and frees it; a corrupted tree is reported and left alone.
    private func checkAndFree(_ root: UnsafeMutableRawPointer, _ depth: Int, tag: UInt64, _ name: @autoclosure () -> String) {
        guard check(root, depth, tag: tag) else {
            setup.report.corrupted("BinaryTrees: \(name()) does not have the shape or the tags it was built with")
            return
        }
        free(root, depth)
    }

    func work(thread: Int, round: Int) {
        for op in 0..<setup.share(thread) {
            let tag = Stamp.tag(thread, op)
            checkAndFree(build(Self.depth, tag: tag), Self.depth, tag: tag, "tree \(op) of thread \(thread)")
        }
    }

    func finish() {
        for thread in 0..<setup.threads {
            checkAndFree(longLived[thread], Self.longLivedDepth, tag: Stamp.tag(thread, -1), "the long-lived tree of thread \(thread)")
        }
    }
}
