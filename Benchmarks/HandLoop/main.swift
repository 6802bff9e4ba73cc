// handloop: the BigStruct workloads timed by a plain loop, with no harness at all.
//
// Usage: handloop CopyIt|PointerIt ITERATIONS
// Prints the ns/op of one timed loop. scripts/harness-overhead.sh runs it in fresh processes
// next to `bench` to show whether the harness changes what it measures.
import BigStruct
import CBenchKit
#if canImport(Glibc)
import Glibc
#endif

let arguments = CommandLine.arguments
guard arguments.count == 3, let iterations = Int(arguments[2]), iterations > 0,
      ["CopyIt", "PointerIt"].contains(arguments[1])
else {
    print("usage: handloop CopyIt|PointerIt ITERATIONS")
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
if arguments[1] == "CopyIt" {
    start = now()
    for _ in 0..<iterations { keep(copyIt()) }
    end = now()
} else {
    start = now()
    for _ in 0..<iterations { keep(pointerIt()) }
    end = now()
}
print(Double(end - start) / Double(iterations))
