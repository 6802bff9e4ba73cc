import BenchKit

/// One allocator stress test: state built with the timer stopped, then `threads` threads working
/// at once, in rounds, while the timer runs, then a check of everything left.
///
/// Every block a test allocates carries a ``Stamp`` (or a fuller pattern) that is checked before
/// the block is freed; a mismatch goes to the setup's ``CorruptionReport``.
protocol StressTest: AnyObject, Sendable {
    associatedtype Memory: BlockAllocator

    /// Builds the state; what this allocates is setup, not measured.
    init(_ setup: StressSetup<Memory>)

    /// What the test was built from.
    var setup: StressSetup<Memory> { get }

    /// The rounds the threads go through; each round waits for all threads to finish the one before.
    var rounds: Int { get }

    /// Whether every round runs on threads of its own, which end with the round (their creation is
    /// not timed; their exit is).
    static var freshThreadsEachRound: Bool { get }

    /// Thread `thread`'s part of round `round`.
    func work(thread: Int, round: Int)

    /// Checks and frees whatever is still allocated (not timed).
    func finish()
}

extension StressTest {
    var rounds: Int { 1 }
    static var freshThreadsEachRound: Bool { false }
}

/// Runs stress tests: as a workload body, or in the tests with any ``BlockAllocator``.
enum Stress {
    /// The body of a stress workload: b.n ops on b.threads threads; reports `ops/s` (all threads,
    /// wall clock) and fails the cell if a check failed.
    static func measure<Test: StressTest>(_ type: Test.Type, _ b: B) where Test.Memory == Allocator {
        b.stopTimer()
        let test = Test(StressSetup(memory: b.allocator, threads: b.threads, operations: b.n, report: b))
        run(test, threads: b.threads, timer: b)
        test.finish()
        let seconds = Double(b.elapsedNanoseconds) / 1e9
        if seconds > 0 { b.reportMetric("ops/s", Double(b.n) / seconds) }
    }

    /// Builds, runs and finishes a test without a timer.
    static func execute<Test: StressTest>(_ type: Test.Type, _ setup: StressSetup<Test.Memory>) {
        let test = Test(setup)
        run(test, threads: setup.threads, timer: nil)
        test.finish()
    }

    /// Runs every round; `timer` runs exactly while threads work (and, on fresh threads, exit).
    private static func run<Test: StressTest>(_ test: Test, threads: Int, timer: B?) {
        let setUp: @Sendable () -> Void = { test.setup.memory.registerThread() }
        let task: @Sendable (Int, Int) -> Void = { thread, round in test.work(thread: thread, round: round) }
        let teams = Test.freshThreadsEachRound ? (0..<test.rounds).map { $0..<($0 + 1) } : [0..<test.rounds]
        for rounds in teams {
            let team = ThreadTeam(count: threads, rounds: rounds, setUp: setUp, task: task)
            timer?.startTimer()
            team.work()
            if Test.freshThreadsEachRound { team.join() } // fresh threads end within the round
            timer?.stopTimer()
            if !Test.freshThreadsEachRound { team.join() }
        }
    }
}
