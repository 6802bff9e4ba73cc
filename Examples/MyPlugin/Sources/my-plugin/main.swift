// A complete AllocBench plugin: two workloads, run with
//     swift build -c release --package-path Examples/MyPlugin
//     bench run --plugin Examples/MyPlugin/.build/release/my-plugin
import BenchKit

/// A small tree node, allocated through Swift's runtime (malloc of the process's allocator).
final class Node {
    var left, right: Node?
    init(_ left: Node?, _ right: Node?) {
        self.left = left
        self.right = right
    }
}

@inline(never)
func makeTree(depth: Int) -> Node {
    depth == 0 ? Node(nil, nil) : Node(makeTree(depth: depth - 1), makeTree(depth: depth - 1))
}

BenchPlugin.main(workloads: [
    Workload(suite: "Example", name: "Tree4",
             summary: "builds and drops a complete binary tree of depth 4: 31 class instances per op") { b in
        for _ in 0..<b.n {
            b.blackHole(makeTree(depth: 4))
        }
    },
    Workload(suite: "Example", name: "Manual256",
             summary: "allocates and frees a 256-byte block through the explicit Allocator interface") { b in
        let allocator = b.allocator
        for _ in 0..<b.n {
            let block = allocator.allocate(byteCount: 256, alignment: 16)
            b.blackHole(block)
            allocator.deallocate(block, byteCount: 256, alignment: 16)
        }
    },
])
