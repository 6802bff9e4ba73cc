import BenchKit
import CBenchKit
#if canImport(Glibc)
import Glibc
#endif

/// The scenarios of Go's classic MemStats tour: which statistics move when a program uses the heap,
/// and which when it only uses the stack? Each runs once, on a thread of its own (``ScenarioThread``),
/// between two MemStats samples.
///
/// The threads the scenarios start (``WorkloadThreads``) are, under GoAlloc, threads on stacks
/// from GoAlloc's heap, as goroutines' stacks come from Go's: their stack spans move StackInuse
/// and StackSys up and HeapSys and HeapIdle down, and stay in GoAlloc's stack cache after the
/// thread ends, as Go keeps stacks for reuse. `growsTheStack` then runs its recursion on such a
/// thread with a stack big enough for it, as a goroutine grows its stack by moving to a bigger
/// one from the heap. On the other allocators the threads are system threads with glibc's default
/// stack, and `growsTheStack` recurses on the scenario's own thread. Either way glibc allocates
/// each new thread's TLS vector with `calloc`: a heap change.
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
    /// The heap stack of a thread that uses a 1000-byte local (a 64 KiB stack of the stack pool).
    static let threadStackBytes = 64 << 10
    /// The heap stack of growsTheStack's recursion: the power of two over what it uses (about
    /// 1.1 MiB, 1.4 MiB in a debug build), the size Go would grow a goroutine's stack to.
    static let deepStackBytes = 2 << 20

    var summary: String {
        switch self {
        case .growsTheStack:
            "recursion 1000 deep with a 1 KiB local per frame on a fresh thread: about 1 MiB of stack, no heap"
        case .createsThreadAndWaits:
            "starts a thread that uses a 1000-byte local, and joins it: what a thread costs the heap"
        case .usesHeap:
            "allocates 1000 bytes through the explicit Allocator interface and keeps them in a global"
        case .usesTempStack:
            "uses a 1000-byte local: stack only, no heap field may change"
        case .createsThread:
            "starts a thread that uses a 1000-byte local, and does not wait for it"
        }
    }

    /// Runs the scenario on the calling thread. Returns the stack high-water mark of the thread
    /// the scenario ran on when that was a thread of its own (growsTheStack under GoAlloc), or nil.
    func run(_ allocator: Allocator, _ threads: WorkloadThreads) -> Int? {
        switch self {
        case .growsTheStack:
            guard threads.onHeapStacks else {
                withUnsafePointer(to: recurse(Scenario.recursionDepth)) { benchkit_black_hole($0) }
                return nil
            }
            return Scenario.recurseOnHeapStack(threads)
        case .createsThreadAndWaits:
            threads.join(Scenario.start(threads, Scenario.threadStackBytes, { _ in Scenario.useLocal(); return nil }, nil))
        case .usesHeap:
            let block = allocator.allocate(byteCount: Scenario.localBytes)
            block.initializeMemory(as: UInt8.self, repeating: 0, count: Scenario.localBytes)
            KeptAlive.heapBlock = block
        case .usesTempStack:
            Scenario.useLocal()
        case .createsThread:
            threads.detach(Scenario.start(threads, Scenario.threadStackBytes, { _ in Scenario.useLocal(); return nil }, nil))
        }
        return nil
    }

    /// What the heap-stack thread of growsTheStack is given and gives back.
    private struct DeepRun {
        let threads: WorkloadThreads
        var highWaterMark = 0
    }

    /// Runs the recursion on a new thread with a heap stack, painted first, and returns the
    /// thread's stack high-water mark.
    private static func recurseOnHeapStack(_ threads: WorkloadThreads) -> Int {
        var run = DeepRun(threads: threads)
        withUnsafeMutablePointer(to: &run) { threads.join(start(threads, deepStackBytes, recurseOnThisStack, $0)) }
        return run.highWaterMark
    }

    /// The heap-stack thread of growsTheStack: paints its stack, recurses, measures.
    private static let recurseOnThisStack: WorkloadThreads.Start = { context in
        let run = context!.assumingMemoryBound(to: DeepRun.self)
        guard let stack = run.pointee.threads.currentHeapStack() else { fatalError("growsTheStack: not on a heap stack") }
        let paint = StackPaint(low: stack.baseAddress!)
        withUnsafePointer(to: Scenario.growsTheStack.recurse(recursionDepth)) { benchkit_black_hole($0) }
        run.pointee.highWaterMark = paint.highWaterMark
        return nil
    }

    /// Starts a thread, or stops the worker with the reason.
    private static func start(_ threads: WorkloadThreads, _ stackBytes: Int, _ body: WorkloadThreads.Start,
                              _ argument: UnsafeMutableRawPointer?) -> WorkloadThreads.Thread {
        do {
            return try threads.start(stackBytes: stackBytes, body, argument)
        } catch {
            fatalError("\(error)")
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
