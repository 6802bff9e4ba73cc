// GoAlloc: Go's allocator in Swift. The design, and how this part fits in, is the essay at the top of
// Malloc.swift (as Go's malloc.go introduces its runtime allocator).

import CGoAlloc

// Stopping the world (Go's stopTheWorld / startTheWorld, done with signals as conservative
// collectors for C do, since Swift code has no preemption points of its own).
//
// The collecting thread takes the heap lock and every managed central lock, then sends the stop
// signal (a real-time signal, SIGRTMIN+5) to every other registered thread and waits until each
// has parked. The handler (C, CGoAlloc/StopTheWorld.c) is async-signal-safe: it spills the
// registers with getcontext onto the thread's own stack, publishes the stack pointer below them,
// acknowledges, and waits on a futex until the collector restarts the world. The kernel's signal
// frame, holding every register of the interrupted code, lies between that pointer and the
// interrupted frame, so scanning from it to the stack's top sees all the thread's roots.
//
// Why no thread can hold up the collector or be stopped at a bad moment:
// - A thread stopped inside a lock the collector needs would deadlock it. The collector holds the
//   heap lock and the managed central locks before it signals, so no stopped thread can hold
//   one: a thread holding one when the collection begins finishes first (the collector waits
//   for the lock), and a thread waiting for one is stopped while it waits (the signal interrupts
//   the futex wait; SA_RESTART resumes it afterwards). The locks of the explicit heap's centrals
//   may be held by a stopped thread: the collector never takes them. Nor does it allocate, or
//   call anything that might (stdio, the dynamic linker).
// - The managed allocation fast path changes a thread's cached span without a lock; a stop there
//   could see a half-done allocation. So the fast path is bracketed (goalloc_gc_enter/leave):
//   the handler of a stop that arrives inside it only sets a flag, and the thread parks itself
//   at the end of the path, the allocation safepoint. The path is a few dozen instructions and
//   never blocks.
// - Threads that never used the managed heap are not registered and are never stopped: they
//   must not hold the only reference to a managed object (nor may malloc'd memory: only stacks,
//   registered roots and managed objects are scanned). The background scavenger is one of them;
//   it does its work under the heap lock, which the collector holds.
// - A registered thread must not block the stop signal: registering unblocks it (threads inherit
//   their creator's mask, and thread pools such as libdispatch's block every signal); a thread
//   that blocks it again holds up the next collection until it unblocks it.
// - A thread that exits unregisters under the cycle lock, so it is either stopped with its
//   record intact or gone from the registry before the collector looks.
extension UnsafeMutablePointer where Pointee == GC {
    /// Stops every registered thread but `me`; returns the stop's epoch. Heap lock and managed
    /// central locks held.
    func stopTheWorldLocked(me: UnsafeMutablePointer<GCThread>) -> UInt32 {
        assertHeapLockHeld()
        let epoch = goalloc_stw_begin()
        forEachThreadLocked { thread in
            guard thread != me else { return }
            thread.pointee.stop.sp = 0
            if goalloc_stw_signal(thread.stopState) != 0 { thread.pointee.stop.ack = epoch }
        }
        forEachThreadLocked { thread in
            if thread != me { goalloc_stw_wait(thread.stopState, epoch) }
        }
        return epoch
    }

    /// Lets every thread stopped for `epoch` run again.
    func startTheWorld(_ epoch: UInt32) {
        goalloc_stw_restart(epoch)
    }
}
