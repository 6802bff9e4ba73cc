#if canImport(Glibc)
import Glibc
#endif

/// Threads for a parallel workload, created before the timer starts and released together.
///
/// Creating a thread allocates (glibc's `calloc` of its TLS vector, the closure context), and that
/// is neither the workload's cost nor, on `go`, the allocator's: so the threads are created in
/// `init`, wait at a barrier, and ``work()`` only releases them and waits until every one has
/// done every round. Between rounds the threads wait for each other, so that round `r + 1` may
/// take over what other threads made in round `r`.
///
///     let team = ThreadTeam(count: b.threads, rounds: 0..<rounds, setUp: {}) { thread, round in ... }
///     b.startTimer()
///     team.work()
///     b.stopTimer()
///     team.join()
final class ThreadTeam: @unchecked Sendable {
    private let rounds: Range<Int>
    private let setUp: @Sendable () -> Void
    private let task: @Sendable (_ thread: Int, _ round: Int) -> Void
    /// Not an array: iterating one allocates in a debug build, and a join may be timed.
    private let threads: UnsafeMutablePointer<pthread_t>
    private let count: Int
    /// The threads and the caller of `init` and then of ``work()``: passed once when every
    /// thread has set up, so `init` returns only then, and once more to release them.
    private let start: UnsafeMutablePointer<pthread_barrier_t>
    private let finish: UnsafeMutablePointer<pthread_barrier_t>
    /// The threads alone, between rounds.
    private let roundEnd: UnsafeMutablePointer<pthread_barrier_t>

    /// One thread's way in: the team and the thread's index. `unowned`: the team holds its members,
    /// and outlives its threads (the caller joins them before letting it go), so a strong reference
    /// back would be a cycle that leaks every team, and with it the test its closures capture (a
    /// go-gc run then kept every earlier run's registered roots, and their trees, alive).
    private final class Member {
        unowned let team: ThreadTeam
        let index: Int

        init(team: ThreadTeam, index: Int) {
            self.team = team
            self.index = index
        }
    }

    private var members: [Member] = []

    /// Starts `count` threads that run `setUp()` at once, then wait, and once released run
    /// `task(thread, round)` for each round. Returns when every thread has set up.
    init(count: Int, rounds: Range<Int>, setUp: @escaping @Sendable () -> Void,
         task: @escaping @Sendable (_ thread: Int, _ round: Int) -> Void) {
        precondition(count >= 1)
        self.rounds = rounds
        self.setUp = setUp
        self.task = task
        self.count = count
        threads = .allocate(capacity: count)
        start = .allocate(capacity: 1)
        finish = .allocate(capacity: 1)
        roundEnd = .allocate(capacity: 1)
        pthread_barrier_init(start, nil, UInt32(count + 1))
        pthread_barrier_init(finish, nil, UInt32(count + 1))
        pthread_barrier_init(roundEnd, nil, UInt32(count))
        members = (0..<count).map { Member(team: self, index: $0) }
        for member in members {
            let result = pthread_create(threads + member.index, nil, { context in
                let member = Unmanaged<Member>.fromOpaque(context!).takeUnretainedValue()
                member.team.run(member.index)
                return nil
            }, Unmanaged.passUnretained(member).toOpaque())
            guard result == 0 else { fatalError("pthread_create failed: \(String(cString: strerror(result)))") }
        }
        pthread_barrier_wait(start)
    }

    deinit {
        for barrier in [start, finish, roundEnd] {
            pthread_barrier_destroy(barrier)
            barrier.deallocate()
        }
        threads.deallocate()
    }

    /// Releases the threads and returns when all of them have done all rounds.
    func work() {
        pthread_barrier_wait(start)
        pthread_barrier_wait(finish)
    }

    /// Waits for the threads to exit (after ``work()``); their exit is the allocator's too: its
    /// per-thread caches are handed back then.
    func join() {
        for index in 0..<count { pthread_join(threads[index], nil) }
    }

    private func run(_ index: Int) {
        setUp()
        pthread_barrier_wait(start) // set up
        pthread_barrier_wait(start) // released
        for round in rounds {
            task(index, round)
            // upperBound rather than `last`, a generic algorithm that allocates in a debug build.
            if round != rounds.upperBound - 1 { pthread_barrier_wait(roundEnd) }
        }
        pthread_barrier_wait(finish)
    }
}
