import BenchKit
#if canImport(Glibc)
import Glibc
#endif

/// Runs one scenario of the tour on a thread whose stack this type maps and paints, so that the
/// deepest byte the scenario touched can be found afterwards: its stack high-water mark, to set
/// beside the heap fields that changed. (A scenario that runs on a thread of its own measures
/// that thread's stack instead, and its mark is the one reported.)
///
/// On the thread, in order: one allocation and free of 16 bytes (so the allocator's per-thread
/// state, a tcache or an MCache, exists before the first sample and the scenario's first
/// allocation is not also the thread's first), the first MemStats sample, painting the stack
/// below the current frame, the scenario with the timer running, the scan for the deepest
/// unpainted byte, the second sample. The thread is created before and joined after all of it,
/// so what creating and ending it costs (glibc's TLS vector, the allocator's thread cache) is in
/// neither sample.
final class ScenarioThread {
    /// The thread's stack, below a guard page; growsTheStack needs about 1.1 MiB of it.
    static let stackBytes = 4 << 20

    private let scenario: Scenario
    private let b: B
    /// How the scenario starts threads: on heap stacks under GoAlloc.
    private let threads: WorkloadThreads
    private let mapping: UnsafeMutableRawPointer
    private let guardBytes = Int(sysconf(Int32(_SC_PAGESIZE)))
    /// Bytes of stack below the scenario's caller that the scenario touched.
    private var highWaterMark = 0

    init(_ scenario: Scenario, _ b: B) {
        self.scenario = scenario
        self.b = b
        threads = WorkloadThreads(b.allocatorName)
        guard let mapping = mmap(nil, guardBytes + Self.stackBytes, PROT_READ | PROT_WRITE,
                                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0), mapping != MAP_FAILED else {
            fatalError("cannot map a \(Self.stackBytes)-byte stack: \(String(cString: strerror(errno)))")
        }
        // A stack overflow stops the worker at the guard page instead of writing over other memory.
        mprotect(mapping, guardBytes, PROT_NONE)
        self.mapping = mapping
    }

    deinit {
        munmap(mapping, guardBytes + Self.stackBytes)
    }

    /// Runs the scenario on the painted thread and returns its stack high-water mark in bytes.
    func run() -> Int {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstack(&attributes, mapping + guardBytes, Self.stackBytes)
        var thread = pthread_t()
        let context = Unmanaged.passUnretained(self).toOpaque()
        Scenario.check(pthread_create(&thread, &attributes, { context in
            Unmanaged<ScenarioThread>.fromOpaque(context!).takeUnretainedValue().body()
            return nil
        }, context), "pthread_create")
        Scenario.check(pthread_join(thread, nil), "pthread_join")
        return highWaterMark
    }

    private func body() {
        let allocator = b.allocator
        allocator.deallocate(allocator.allocate(byteCount: 16), byteCount: 16)
        b.recordMemStatsSample()

        let paint = StackPaint(low: mapping + guardBytes)
        b.startTimer()
        let ownThreadMark = scenario.run(allocator, threads)
        b.stopTimer()
        highWaterMark = ownThreadMark ?? paint.highWaterMark

        b.recordMemStatsSample()
    }
}
