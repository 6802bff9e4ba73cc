import BenchKit

/// The copy-vs-pointer study: is it cheaper to copy a 75-byte struct between stack frames or to
/// return a pointer to a heap copy?
public enum BigStructSuite {
    public static let workloads: [Workload] = [
        Workload(suite: "BigStruct", name: "CopyIt",
                 summary: "returns a 75-byte struct by value through a non-inlined call: stack only, 0 allocs/op") { b in
            for _ in 0..<b.n {
                b.blackHole(copyIt())
            }
        },
        Workload(suite: "BigStruct", name: "PointerIt",
                 summary: "returns the same data in a final class instance: 1 malloc + 1 free (and refcounting) per op") { b in
            for _ in 0..<b.n {
                b.blackHole(pointerIt())
            }
        },
    ]
}
