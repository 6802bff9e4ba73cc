#if canImport(Glibc)
import Glibc
#endif

/// A pthread mutex that lives in place inside GoAlloc's metadata (mmapped memory) and is never
/// copied once initialised. pthread mutexes never allocate, so they are safe on malloc's paths.
///
/// Go's lock discipline (see the design essay in Malloc.swift): every lock has a rank, and a
/// thread takes locks in increasing rank (``LockRank``, which writes the order down once); a
/// function that expects a lock to be held ends in `Locked` and asserts it first
/// (``assertHeld()``, Go's assertLockHeld). Debug and test builds record each lock's holder and
/// the ranks each thread holds, and check both; release builds record nothing and check nothing.
struct Mutex {
    private var raw = pthread_mutex_t()
    #if DEBUG
    /// The thread that holds the lock, 0 when none (debug builds only).
    private var owner: pthread_t = 0
    private var rank = LockRank.heap
    #endif

    mutating func initialize(rank: LockRank) {
        pthread_mutex_init(&raw, nil)
        #if DEBUG
        self.rank = rank
        #endif
    }

    mutating func lock() {
        #if DEBUG
        rank.checkOrder()
        #endif
        pthread_mutex_lock(&raw)
        #if DEBUG
        owner = pthread_self()
        rank.record(1)
        #endif
    }

    mutating func unlock() {
        #if DEBUG
        if owner != pthread_self() { fatal("a lock was released by a thread that does not hold it") }
        rank.record(-1)
        owner = 0
        #endif
        pthread_mutex_unlock(&raw)
    }

    /// Stops the process unless the calling thread holds the lock (debug and test builds).
    @inline(__always)
    func assertHeld() {
        #if DEBUG
        if owner != pthread_self() { fatal("a ...Locked function was entered without its lock held") }
        #endif
    }
}

/// Stops the process unless the calling thread holds the heap lock (debug and test builds): the
/// first line of every `...Locked` function that the heap lock guards. In release builds this is
/// nothing at all.
@inline(__always)
func assertHeapLockHeld() {
    #if DEBUG
    Globals.shared.heap.pointee.lock.assertHeld()
    #endif
}
