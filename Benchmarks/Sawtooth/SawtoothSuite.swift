import BenchKit

/// Go's sawtooth: allocate a 0.25 MiB buffer every tick, keeping only the newest, and watch the heap
/// statistics after each tick. Written to `memstats.csv` (one row per tick), so the curves can be
/// drawn: TotalAlloc climbs by a buffer per tick, HeapAlloc stays near one buffer, and HeapSys,
/// HeapIdle and HeapReleased show whether the allocator keeps freed buffers or gives them back.
public enum SawtoothSuite {
    static let ticks = 60
    static let bufferBytes = 256 << 10

    public static let workloads: [Workload] = [
        Workload(suite: "Sawtooth", name: "QuarterMiBPerTick",
                 summary: "60 ticks; each allocates and writes a 0.25 MiB buffer and frees the previous one; MemStats after every tick to memstats.csv",
                 fixedIterations: ticks) { b in
            let allocator = b.allocator
            var newest: UnsafeMutableRawPointer?
            for tick in 0..<b.n {
                let buffer = allocator.allocate(byteCount: bufferBytes)
                // Written in full, as Go's make([]byte) zeroes it: the pages become resident.
                buffer.initializeMemory(as: UInt8.self, repeating: UInt8(truncatingIfNeeded: tick), count: bufferBytes)
                if let newest { allocator.deallocate(newest, byteCount: bufferBytes) }
                newest = buffer
                b.recordMemStatsSample()
            }
            b.stopTimer()
            if let newest { allocator.deallocate(newest, byteCount: bufferBytes) }
        },
    ]
}
