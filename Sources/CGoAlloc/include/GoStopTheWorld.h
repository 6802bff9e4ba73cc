// Stopping the world for GoAlloc's collector (Sources/GoAlloc/GC/StopTheWorld.swift tells how it
// is used). This part is in C because it runs in a signal handler: the handler must be
// async-signal-safe, so it only reads thread-local and atomic words, spills registers with
// getcontext and waits on a futex. Nothing here allocates or takes a lock.
#ifndef GOALLOC_STOP_THE_WORLD_H
#define GOALLOC_STOP_THE_WORLD_H

#include <pthread.h>
#include <stdint.h>

#define GOALLOC_STW_HIDDEN __attribute__((visibility("hidden")))

/// What a thread that uses the managed heap shares with its stop signal's handler and with the
/// collector. The first member of Swift's GCThread.
struct goalloc_stop_state {
    /// 1 while the thread is on the managed allocation fast path: a stop that arrives then is
    /// deferred to the end of that path (the safepoint).
    uint32_t in_alloc;
    /// A stop arrived during the fast path; the thread parks at the safepoint.
    uint32_t pending;
    /// The stop epoch for which this thread last parked (the collector waits for it).
    uint32_t ack;
    uint32_t padding;
    /// While parked: the lowest address of the thread's stack that holds live data, its spilled
    /// registers included. The collector scans from here to `stack_high`.
    uintptr_t sp;
    uintptr_t stack_high;
    pthread_t thread;
};

/// The calling thread's stop state, or NULL (not registered with the collector). initial-exec,
/// as the thread cache's slot: the signal handler reads it, and __tls_get_addr is not
/// async-signal-safe.
extern GOALLOC_STW_HIDDEN __thread struct goalloc_stop_state *goalloc_tls_gc_thread __attribute__((tls_model("initial-exec")));
static inline struct goalloc_stop_state *goalloc_current_gc_thread(void) { return goalloc_tls_gc_thread; }
static inline void goalloc_set_current_gc_thread(struct goalloc_stop_state *state) { goalloc_tls_gc_thread = state; }

/// Enters the managed fast path. A signal fence, not a memory fence: only this thread's signal
/// handler reads the flag.
static inline void goalloc_gc_enter(struct goalloc_stop_state *state) {
    __atomic_store_n(&state->in_alloc, 1, __ATOMIC_RELAXED);
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
}

/// Leaves the managed fast path; non-zero when a stop arrived meanwhile (the caller parks).
static inline uint32_t goalloc_gc_leave(struct goalloc_stop_state *state) {
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    __atomic_store_n(&state->in_alloc, 0, __ATOMIC_RELAXED);
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    return __atomic_load_n(&state->pending, __ATOMIC_RELAXED);
}

/// Installs the stop signal's handler (once; the caller serialises). Returns 0 or an errno.
GOALLOC_STW_HIDDEN int goalloc_stw_install(void);
/// Unblocks the stop signal in the calling thread, which is registering. Threads inherit their
/// creator's signal mask, and thread pools (libdispatch's among them) block every signal.
GOALLOC_STW_HIDDEN void goalloc_stw_unblock(void);
/// Parks the calling thread until the current stop ends, its registers spilled onto its stack
/// and `state->sp` published. Called by the handler and at the safepoint.
GOALLOC_STW_HIDDEN void goalloc_stw_park(struct goalloc_stop_state *state);
/// What a parked thread calls each time it wakes while the world is stopped: the collector's
/// mark helper (GC/MarkWork.swift), which joins an open mark round. NULL: none.
extern GOALLOC_STW_HIDDEN void (*goalloc_stw_parked_work)(void);
static inline void goalloc_stw_set_parked_work(void (*work)(void)) { __atomic_store_n(&goalloc_stw_parked_work, work, __ATOMIC_RELEASE); }
/// A thread's CPU affinity, saved while a mark helper runs away from the collector's CPU.
struct goalloc_cpu_mask { unsigned long bits[16]; };
/// The CPU the calling thread runs on, or -1.
GOALLOC_STW_HIDDEN int goalloc_current_cpu(void);
/// If the calling thread runs on `cpu`, saves its affinity in `saved` and narrows it to the other
/// CPUs it may use, which moves it off `cpu` at once. Returns 1 when it did (restore it after),
/// 0 when the thread is elsewhere already, -1 when `cpu` is the only CPU it may use.
GOALLOC_STW_HIDDEN int goalloc_leave_cpu(int cpu, struct goalloc_cpu_mask *saved);
/// Restores the affinity goalloc_leave_cpu saved.
GOALLOC_STW_HIDDEN void goalloc_restore_cpus(const struct goalloc_cpu_mask *saved);
/// Wakes `count` parked threads without ending the stop, so that each calls the parked work.
GOALLOC_STW_HIDDEN void goalloc_stw_wake_parked(int count);
/// Starts a stop: returns its epoch. Threads signalled from now on park for it.
GOALLOC_STW_HIDDEN uint32_t goalloc_stw_begin(void);
/// Sends the stop signal to a registered thread; 0, or an errno (the thread no longer exists).
GOALLOC_STW_HIDDEN int goalloc_stw_signal(struct goalloc_stop_state *state);
/// Waits until `state`'s thread has parked for `epoch`.
GOALLOC_STW_HIDDEN void goalloc_stw_wait(struct goalloc_stop_state *state, uint32_t epoch);
/// Ends the stop `epoch`: every parked thread resumes.
GOALLOC_STW_HIDDEN void goalloc_stw_restart(uint32_t epoch);
/// The top (highest address) of the calling thread's stack, or 0 if it cannot be found.
/// pthread_getattr_np may allocate: call it with no GoAlloc lock held.
GOALLOC_STW_HIDDEN uintptr_t goalloc_current_stack_high(void);
/// Calls `body(context, sp)` with the calling thread's registers spilled onto its stack below
/// `sp`, so that the collector scans its own roots as it scans a parked thread's.
GOALLOC_STW_HIDDEN void goalloc_with_spilled_registers(void (*body)(void *context, uintptr_t sp), void *context);

#endif
