// GoAlloc: Go's allocator in Swift. The design, and how this part fits in, is the essay at the top of
// Malloc.swift (as Go's malloc.go introduces its runtime allocator).

#if canImport(Glibc)
import Glibc
#endif
import CGoAlloc

// fork() copies only the calling thread. A lock that another thread held at that moment stays
// locked forever in the child, and the child's first allocation would wait on it. So, like
// glibc's and jemalloc's mallocs, GoAlloc takes every lock of its own before fork (pthread_atfork's
// prepare handler) and releases them on both sides after it: the child starts with a consistent
// heap and no lock held.
//
// What the child inherits as it is: the caches of the parent's other threads (they no longer run;
// their cached objects stay allocated, as in glibc; so do the heap stacks of threads nobody
// joined), and any pages the parent's scavenger held outside the lock in the middle of a madvise
// call (they stay marked in use). The background scavenger thread is not copied: the child starts
// its own when it needs one.
//
// The collector's locks are taken too (its cycle lock first, its centrals after the heap, the
// order a collection takes them), so no child starts halfway through a cycle. The child keeps
// only its own thread in the collector's registry: the others do not exist there, and signalling
// them would stop nothing.

extension UnsafeMutablePointer where Pointee == Globals {
    /// Registers the fork handlers. Called once, after the heap is published and with no lock
    /// held: pthread_atfork may allocate, and that allocation must find a working heap.
    func registerForkHandlers() {
        pthread_atfork(
            { Globals.existing?.lockAllForFork() },
            { Globals.existing?.unlockAllAfterFork(inChild: false) },
            { Globals.existing?.unlockAllAfterFork(inChild: true) })
    }

    /// Takes every lock, in the order the allocator itself takes them (a central's lock is never
    /// held while taking the heap lock, so centrals first, then the heap; the collector's cycle
    /// lock before all, its centrals after the heap).
    private func lockAllForFork() {
        InitLock.lock()
        gc.pointee.cycleLock.lock()
        var sizeClass = 0
        while sizeClass < SizeClasses.count {
            central(sizeClass).pointee.lock.lock()
            sizeClass += 1
        }
        heap.pointee.lock.lock()
        gc.lockCentrals()
    }

    private func unlockAllAfterFork(inChild: Bool) {
        // The thread that forked holds every lock, in the child too, so unlocking is well-defined.
        if inChild {
            pointee.scavenger.started = 0
            // The unjoined threads are not the child's: their stacks stay allocated, like their caches.
            pointee.stacks.unjoined = nil
            gc.forgetOtherThreadsLocked()
        }
        gc.unlockCentrals()
        heap.pointee.lock.unlock()
        var sizeClass = SizeClasses.count
        while sizeClass > 0 {
            sizeClass -= 1
            central(sizeClass).pointee.lock.unlock()
        }
        gc.pointee.cycleLock.unlock()
        InitLock.unlock()
    }
}
