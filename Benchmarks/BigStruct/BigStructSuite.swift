import BenchKit

/// The copy-vs-pointer study: is it cheaper to copy a 75-byte struct between stack frames or to
/// return a pointer to a heap copy? And Go's stackIt trio: where does a local live when its value
/// goes up or down the stack?
public enum BigStructSuite {
    public static let workloads: [Workload] = [
        copyItWorkload,
        pointerItWorkload,
        Workload(suite: "BigStruct", name: "PointerItManual",
                 summary: "the same data in an UnsafeMutablePointer from the explicit Allocator interface, freed by hand: 1 allocation of 80 bytes per op, no refcounting") { b in
            let allocator = b.allocator
            for _ in 0..<b.n {
                let pointer = pointerItManual(allocator)
                b.blackHole(pointer)
                pointer.deinitialize(count: 1)
                allocator.deallocate(pointer)
            }
        },
        Workload(suite: "BigStruct", name: "StackIt",
                 summary: "returns y * 2 of a local Int: the local stays in the frame, 0 allocs/op") { b in
            for _ in 0..<b.n {
                b.blackHole(stackIt())
            }
        },
        Workload(suite: "BigStruct", name: "StackIt2",
                 summary: "returns the result in a heap box (a class): the value escapes up the stack, 1 alloc of 24 bytes per op") { b in
            for _ in 0..<b.n {
                b.blackHole(stackIt2())
            }
        },
        Workload(suite: "BigStruct", name: "StackIt3",
                 summary: "passes a pointer to a local down the stack (withUnsafePointer): nothing escapes, 0 allocs/op") { b in
            for _ in 0..<b.n {
                b.blackHole(stackIt3())
            }
        },
        Trace.variant(of: copyItWorkload),
        Trace.variant(of: pointerItWorkload),
    ]

    static let copyItWorkload = Workload(suite: "BigStruct", name: "CopyIt",
                                         summary: "returns a 75-byte struct by value through a non-inlined call: stack only, 0 allocs/op") { b in
        for _ in 0..<b.n {
            b.blackHole(copyIt())
        }
    }

    static let pointerItWorkload = Workload(suite: "BigStruct", name: "PointerIt",
                                            summary: "returns the same data in a final class instance: 1 malloc + 1 free (and refcounting) per op") { b in
        for _ in 0..<b.n {
            b.blackHole(pointerIt())
        }
    }
}
