// bench-fixtures: a plugin whose workloads misbehave on purpose, for the end-to-end tests.
import BenchKit
import Foundation
#if canImport(Glibc)
import Glibc
#endif

BenchPlugin.main(workloads: [
    Workload(suite: "Fixtures", name: "Crash", summary: "traps (a Swift runtime error) on its first op") { b in
        let values: [Int] = []
        for i in 0..<b.n { b.blackHole(values[i]) }
    },
    Workload(suite: "Fixtures", name: "Hang", summary: "never returns") { _ in
        while true { sleep(1) }
    },
    Workload(suite: "Fixtures", name: "SpawnsAndHangs",
             summary: "starts `sleep 600` (its pid into $ALLOCBENCH_FIXTURE_PIDFILE), then never returns") { _ in
        var child: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("sleep"), strdup("600"), nil]
        guard posix_spawn(&child, "/bin/sleep", nil, nil, argv, environ) == 0 else { exit(9) }
        if let file = ProcessInfo.processInfo.environment["ALLOCBENCH_FIXTURE_PIDFILE"] {
            try? "\(getpid()) \(child)".write(toFile: file, atomically: true, encoding: .utf8)
        }
        while true { sleep(1) }
    },
    Workload(suite: "Fixtures", name: "ExitNonZero", summary: "exits with status 7") { _ in
        exit(7)
    },
    Workload(suite: "Fixtures", name: "Noisy", summary: "prints to stdout and stderr (timer stopped: printing allocates), then allocates one 48-byte block per op") { b in
        b.stopTimer()
        print("{\"protocolVersion\": 1, \"body\": \"not a message\"}")
        FileHandle.standardError.write(Data("noise on stderr\n".utf8))
        b.startTimer()
        let allocator = b.allocator
        for _ in 0..<b.n {
            let block = allocator.allocate(byteCount: 48)
            b.blackHole(block)
            allocator.deallocate(block, byteCount: 48)
        }
        b.reportMetric("widgets/op", 2.5)
    },
    Workload(suite: "Fixtures", name: "FailsCheck", summary: "finds its data corrupted on two threads and says so with b.fail") { b in
        let threads = (0..<2).map { index in
            Thread { b.fail("block \(index) lost its stamp") }
        }
        threads.forEach { $0.start() }
        while threads.contains(where: { !$0.isFinished }) { usleep(1000) }
    },
    Workload(suite: "Fixtures", name: "SetupExcluded", summary: "allocates 1000 blocks in setup, then one 100-byte block per op") { b in
        let allocator = b.allocator
        b.stopTimer()
        let setup = (0..<1000).map { _ in allocator.allocate(byteCount: 64) }
        b.startTimer()
        for _ in 0..<b.n {
            let block = allocator.allocate(byteCount: 100)
            b.blackHole(block)
            allocator.deallocate(block, byteCount: 100)
        }
        b.stopTimer()
        for block in setup { allocator.deallocate(block, byteCount: 64) }
    },
    Workload(suite: "Fixtures", name: "Arithmetic",
             summary: "per op, ALLOCBENCH_FIXTURE_STEPS (default 100) steps of xorshift: more steps, proportionally more instructions") { b in
        b.stopTimer()
        let steps = ProcessInfo.processInfo.environment["ALLOCBENCH_FIXTURE_STEPS"].flatMap { Int($0) } ?? 100
        b.startTimer()
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<b.n {
            for _ in 0..<steps {
                state ^= state << 13
                state ^= state >> 7
                state ^= state << 17
            }
            b.blackHole(state)
        }
    },
    Workload(suite: "Fixtures", name: "EveryOtherOp", summary: "allocates one 64-byte block every other op: 0.5 allocs/op, 32 B/op") { b in
        let allocator = b.allocator
        for i in 0..<b.n where i % 2 == 0 {
            let block = allocator.allocate(byteCount: 64)
            b.blackHole(block)
            allocator.deallocate(block, byteCount: 64)
        }
    },
    Workload(suite: "Fixtures", name: "AbortsUnderValgrind",
             summary: "measures like any workload, and aborts when it runs under Valgrind (the instruction pass)") { b in
        if BuildConfiguration.isUnderValgrind { abort() }
        for _ in 0..<b.n { b.blackHole(b.n) }
    },
])
