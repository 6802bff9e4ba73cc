import BenchKit
import CBenchKit
#if canImport(Glibc)
import Glibc
#endif

/// The scenarios of Go's classic MemStats tour: which statistics move when a program uses the heap,
/// and which when it only uses the stack? Each runs once, on a thread of its own (``ScenarioThread``),
/// between two MemStats samples.
///
/// The threads that `createsThreadAndWaits` and `createsThread` start are system threads
/// (`pthread_create` with glibc's default 8 MiB stack): glibc allocates each one's TLS vector with
/// `calloc`, so on `go` these scenarios are n/a until GoAlloc serves malloc.
enum Scenario: String, CaseIterable {
    case growsTheStack
    case createsThreadAndWaits
    case usesHeap
    case usesTempStack
    case createsThread

    /// Frames of ``growsTheStack``, each with a local of ``frameLocalBytes``.
    static let recursionDepth = 1000
    static let frameLocalBytes = 1024
    /// The size of the local (or the heap block) of the other scenarios.
    static let localBytes = 1000

    var summary: String {
        switch self {
        case .growsTheStack:
            "recursion 1000 deep with a 1 KiB local per frame on a fresh thread: about 1 MiB of stack, no heap"
        case .createsThreadAndWaits:
            "starts a system thread that uses a 1000-byte local, and joins it: what a thread costs the heap"
        case .usesHeap:
            "allocates 1000 bytes through the explicit Allocator interface and keeps them in a global"
        case .usesTempStack:
            "uses a 1000-byte local: stack only, no heap field may change"
        case .createsThread:
            "starts a system thread that uses a 1000-byte local, and does not wait for it"
        }
    }

    /// Runs the scenario on the calling thread.
    func run(_ allocator: Allocator) {
        switch self {
        case .growsTheStack:
            withUnsafePointer(to: recurse(Scenario.recursionDepth)) { benchkit_black_hole($0) }
        case .createsThreadAndWaits:
            var thread = pthread_t()
            Scenario.check(pthread_create(&thread, nil, { _ in Scenario.useLocal(); return nil }, nil), "pthread_create")
            Scenario.check(pthread_join(thread, nil), "pthread_join")
        case .usesHeap:
            let block = allocator.allocate(byteCount: Scenario.localBytes)
            block.initializeMemory(as: UInt8.self, repeating: 0, count: Scenario.localBytes)
            KeptAlive.heapBlock = block
        case .usesTempStack:
            Scenario.useLocal()
        case .createsThread:
            var thread = pthread_t()
            Scenario.check(pthread_create(&thread, nil, { _ in Scenario.useLocal(); return nil }, nil), "pthread_create")
            Scenario.check(pthread_detach(thread), "pthread_detach")
        }
    }

    /// Writes and reads a 1000-byte local, so that its bytes really are on the stack.
    @inline(never)
    static func useLocal() {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: localBytes) { local in
            local.initialize(repeating: 7)
            benchkit_black_hole(local.baseAddress)
        }
    }

    /// One frame per level, each with a 1 KiB local that is written, so the stack really grows.
    @inline(never)
    func recurse(_ depth: Int) -> UInt64 {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Scenario.frameLocalBytes) { local in
            local.initialize(repeating: UInt8(truncatingIfNeeded: depth))
            benchkit_black_hole(local.baseAddress)
            return depth == 0 ? UInt64(local[0]) : recurse(depth - 1) &+ UInt64(local[Scenario.frameLocalBytes - 1])
        }
    }

    static func check(_ result: Int32, _ call: StaticString) {
        if result != 0 { fatalError("\(call) failed: \(String(cString: strerror(result)))") }
    }
}

/// Where `usesHeap` keeps its block: a global, as in Go's tour, so the block is live at the second
/// sample and stays live until the worker exits.
enum KeptAlive {
    nonisolated(unsafe) static var heapBlock: UnsafeMutableRawPointer?
}
