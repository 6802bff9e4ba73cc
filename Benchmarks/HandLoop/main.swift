// handloop: workloads timed by a plain loop, with no harness at all.
//
// Usage: handloop CopyIt|PointerIt ITERATIONS
//        handloop Pair80 ITERATIONS ALLOCATOR
// Prints the ns/op of one timed loop. scripts/harness-check.sh runs it in fresh processes next to
// `bench` to show whether the harness changes what it measures; scripts/instructions-per-op.sh
// runs it under callgrind to count the instructions of one alloc+free pair on each allocator.
// For Pair80 the caller preloads the allocator's library as `bench` would (libgoalloc.so for go).
import BenchKit
import BigStruct
import CBenchKit
#if canImport(Glibc)
import Glibc
#endif

let arguments = CommandLine.arguments
let workload = arguments.count > 1 ? arguments[1] : ""
let iterations = arguments.count > 2 ? Int(arguments[2]) ?? 0 : 0
let allocatorName = arguments.count > 3 ? AllocatorName(rawValue: arguments[3]) : nil
let valid = iterations > 0 && (["CopyIt", "PointerIt"].contains(workload) && arguments.count == 3
    || workload == "Pair80" && arguments.count == 4 && allocatorName != nil)
guard valid else {
    print("usage: handloop CopyIt|PointerIt ITERATIONS\n       handloop Pair80 ITERATIONS system|jemalloc|tcmalloc|mimalloc|go")
    exit(2)
}

func now() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

// The same black hole as B.blackHole: an empty asm statement that reads the value's memory.
@inline(__always)
func keep<T>(_ value: T) {
    withUnsafePointer(to: value) { benchkit_black_hole($0) }
}

let start: UInt64
let end: UInt64
switch workload {
case "CopyIt":
    start = now()
    for _ in 0..<iterations { keep(copyIt()) }
    end = now()
case "PointerIt":
    start = now()
    for _ in 0..<iterations { keep(pointerIt()) }
    end = now()
default:
    // The loop of ExplicitAlloc/Pair80, through the same explicit Allocator interface.
    let allocator = Allocator(for: allocatorName!)
    start = now()
    for _ in 0..<iterations {
        let block = allocator.allocate(byteCount: 80)
        keep(block)
        allocator.deallocate(block, byteCount: 80)
    }
    end = now()
}
print(Double(end - start) / Double(iterations))
