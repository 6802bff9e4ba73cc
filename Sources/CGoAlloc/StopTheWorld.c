// The stop signal's handler and the futex waits of a stop (see GoStopTheWorld.h).
#define _GNU_SOURCE
#include "GoStopTheWorld.h"
#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

__thread struct goalloc_stop_state *goalloc_tls_gc_thread __attribute__((tls_model("initial-exec"))) = NULL;

/// The epoch of the latest stop, and of the latest restart: a thread parked for epoch E resumes
/// once restart_epoch reaches E. Epochs only grow, so a thread that wakes late from stop E (when
/// E + 1 has already begun) leaves at once and parks again for E + 1 when its signal arrives.
static uint32_t stop_epoch;
static uint32_t restart_epoch;

void (*goalloc_stw_parked_work)(void) = NULL;

/// A real-time signal: queued, never merged with a signal the program uses, and unused by glibc
/// (which keeps SIGRTMIN's first two for itself below the value SIGRTMIN reports), Swift's runtime
/// and the harness.
static int stop_signal(void) { return SIGRTMIN + 5; }

static void futex_wait(uint32_t *word, uint32_t value) {
    // A timeout: a wake between the check and the wait is never lost (the kernel compares), but a
    // bounded wait keeps a missed wake from hanging the process.
    struct timespec timeout = {0, 1000000};
    syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, value, &timeout, NULL, 0);
}

static void futex_wake(uint32_t *word) { syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL, NULL, 0); }

static void stop_handler(int signal, siginfo_t *info, void *context) {
    (void)signal; (void)info; (void)context;
    int saved = errno;
    struct goalloc_stop_state *state = goalloc_tls_gc_thread;
    if (state != NULL) {
        if (__atomic_load_n(&state->in_alloc, __ATOMIC_RELAXED)) {
            __atomic_store_n(&state->pending, 1, __ATOMIC_RELAXED);
        } else {
            // The interrupted registers are in the signal frame, above this frame on the stack.
            goalloc_stw_park(state);
        }
    }
    errno = saved;
}

int goalloc_stw_install(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = stop_handler;
    // SA_RESTART: a system call the stop interrupts resumes. No SA_ONSTACK: the handler must run
    // on the thread's own stack, so that the signal frame lies in the range the collector scans.
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&action.sa_mask);
    return sigaction(stop_signal(), &action, NULL) == 0 ? 0 : errno;
}

void goalloc_stw_unblock(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, stop_signal());
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

void goalloc_stw_park(struct goalloc_stop_state *state) {
    ucontext_t registers;
    getcontext(&registers);
    __atomic_store_n(&state->pending, 0, __ATOMIC_RELAXED);
    uint32_t epoch = __atomic_load_n(&stop_epoch, __ATOMIC_ACQUIRE);
    __atomic_store_n(&state->sp, (uintptr_t)&registers, __ATOMIC_RELAXED);
    __atomic_store_n(&state->ack, epoch, __ATOMIC_RELEASE);
    futex_wake(&state->ack);
    for (;;) {
        uint32_t restarted = __atomic_load_n(&restart_epoch, __ATOMIC_ACQUIRE);
        if ((int32_t)(restarted - epoch) >= 0) break;
        // Below the published sp: the work's frames are not among the roots the collector scans.
        void (*work)(void) = __atomic_load_n(&goalloc_stw_parked_work, __ATOMIC_ACQUIRE);
        if (work != NULL) work();
        futex_wait(&restart_epoch, restarted);
    }
    // The registers must stay in memory until the collector is done with them.
    __asm__ volatile("" : : "r"(&registers) : "memory");
}

uint32_t goalloc_stw_begin(void) { return __atomic_add_fetch(&stop_epoch, 1, __ATOMIC_ACQ_REL); }

int goalloc_stw_signal(struct goalloc_stop_state *state) { return pthread_kill(state->thread, stop_signal()); }

void goalloc_stw_wait(struct goalloc_stop_state *state, uint32_t epoch) {
    // Yield first: a thread answers a stop in tens of microseconds, and sleeping in the kernel
    // would add a wake-up of the collector's own to every pause; yielding, rather than spinning,
    // gives the CPU to the thread being stopped when it has none of its own. Sleep only for a
    // slow thread.
    for (int spin = 0; spin < 200; spin++) {
        if (__atomic_load_n(&state->ack, __ATOMIC_ACQUIRE) == epoch) return;
        sched_yield();
    }
    for (;;) {
        uint32_t acked = __atomic_load_n(&state->ack, __ATOMIC_ACQUIRE);
        if (acked == epoch) return;
        futex_wait(&state->ack, acked);
    }
}

int goalloc_current_cpu(void) { return sched_getcpu(); }

int goalloc_leave_cpu(int cpu, struct goalloc_cpu_mask *saved) {
    _Static_assert(sizeof(struct goalloc_cpu_mask) == sizeof(cpu_set_t), "the mask is a cpu_set_t");
    if (cpu < 0 || sched_getcpu() != cpu) return 0;
    cpu_set_t *allowed = (cpu_set_t *)saved;
    if (sched_getaffinity(0, sizeof(cpu_set_t), allowed) != 0) return -1;
    cpu_set_t others = *allowed;
    CPU_CLR(cpu, &others);
    if (CPU_COUNT(&others) == 0) return -1;
    return sched_setaffinity(0, sizeof(cpu_set_t), &others) == 0 ? 1 : -1;
}

void goalloc_restore_cpus(const struct goalloc_cpu_mask *saved) {
    sched_setaffinity(0, sizeof(cpu_set_t), (const cpu_set_t *)saved);
}

void goalloc_stw_wake_parked(int count) { syscall(SYS_futex, &restart_epoch, FUTEX_WAKE_PRIVATE, count, NULL, NULL, 0); }

void goalloc_stw_restart(uint32_t epoch) {
    __atomic_store_n(&restart_epoch, epoch, __ATOMIC_RELEASE);
    futex_wake(&restart_epoch);
}

uintptr_t goalloc_current_stack_high(void) {
    pthread_attr_t attributes;
    if (pthread_getattr_np(pthread_self(), &attributes) != 0) return 0;
    void *low = NULL;
    size_t bytes = 0;
    int failed = pthread_attr_getstack(&attributes, &low, &bytes);
    pthread_attr_destroy(&attributes);
    return failed ? 0 : (uintptr_t)low + bytes;
}

void goalloc_with_spilled_registers(void (*body)(void *context, uintptr_t sp), void *context) {
    ucontext_t registers;
    getcontext(&registers);
    body(context, (uintptr_t)&registers);
    __asm__ volatile("" : : "r"(&registers) : "memory");
}
