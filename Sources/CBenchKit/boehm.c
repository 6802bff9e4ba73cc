// The Boehm-Demers-Weiser collector (libgc.so.1, allocator `boehm`) as the managed heap of the
// explicit Allocator interface: the counterpart of go-gc's `goalloc_gc_*` functions.
//
// Nothing here links against libgc: the worker preloads it, and its functions are found with
// dlsym, so BenchKit builds and runs where libgc is not installed. Boehm's rules for threads are
// kept here: GC_init once, threads that allocate or hold pointers registered with
// GC_register_my_thread (on their first allocation, or when the workload calls registerThread)
// and unregistered as they exit (a key destructor), so that the collector never scans the stack
// of a thread that is gone.
#define _GNU_SOURCE
#include "CBenchKit.h"

#include <dlfcn.h>
#include <stddef.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

/// gc.h's struct GC_stack_base on every target but IA-64.
struct gc_stack_base {
    void *mem_base;
};

/// gc.h's GC_EventType values this file uses.
enum { GC_EVENT_PRE_STOP_WORLD = 6, GC_EVENT_POST_START_WORLD = 9 };

static struct {
    void (*init)(void);
    void (*allow_register_threads)(void);
    int (*register_my_thread)(const struct gc_stack_base *);
    int (*unregister_my_thread)(void);
    int (*thread_is_registered)(void);
    int (*get_stack_base)(struct gc_stack_base *);
    void *(*malloc)(size_t);
    void *(*malloc_atomic)(size_t);
    void *(*memalign)(size_t, size_t);
    int (*add_roots)(void *, void *);
    void (*remove_roots)(void *, void *);
    size_t (*get_prof_stats)(struct benchkit_boehm_stats *, size_t);
    unsigned (*get_version)(void);
    void (*set_on_collection_event)(void (*)(int));
} gc;

static pthread_once_t started = PTHREAD_ONCE_INIT;
static int available;
static pthread_key_t registration;
static __thread int thread_registered;

/// Nanoseconds the world was stopped: from each GC_EVENT_PRE_STOP_WORLD to its
/// GC_EVENT_POST_START_WORLD, measured in the collecting thread.
static _Atomic uint64_t pause_total_ns;
static uint64_t pause_started_ns;

static uint64_t monotonic_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

static void on_collection_event(int event) {
    if (event == GC_EVENT_PRE_STOP_WORLD) pause_started_ns = monotonic_ns();
    if (event == GC_EVENT_POST_START_WORLD && pause_started_ns) {
        atomic_fetch_add_explicit(&pause_total_ns, monotonic_ns() - pause_started_ns, memory_order_relaxed);
        pause_started_ns = 0;
    }
}

static void unregister_at_exit(void *value) {
    (void)value;
    if (thread_registered) gc.unregister_my_thread();
    thread_registered = 0;
}

#define FIND(field, name) (gc.field = dlsym(RTLD_DEFAULT, name)) != NULL

static void start(void) {
    if (!(FIND(init, "GC_init") && FIND(allow_register_threads, "GC_allow_register_threads") &&
          FIND(register_my_thread, "GC_register_my_thread") && FIND(unregister_my_thread, "GC_unregister_my_thread") &&
          FIND(thread_is_registered, "GC_thread_is_registered") && FIND(get_stack_base, "GC_get_stack_base") &&
          FIND(malloc, "GC_malloc") && FIND(malloc_atomic, "GC_malloc_atomic") && FIND(memalign, "GC_memalign") &&
          FIND(add_roots, "GC_add_roots") && FIND(remove_roots, "GC_remove_roots") &&
          FIND(get_prof_stats, "GC_get_prof_stats") && FIND(get_version, "GC_get_version") &&
          FIND(set_on_collection_event, "GC_set_on_collection_event"))) {
        return;
    }
    gc.init();
    gc.allow_register_threads();
    gc.set_on_collection_event(on_collection_event);
    pthread_key_create(&registration, unregister_at_exit);
    available = 1;
}

int benchkit_boehm_start(void) {
    pthread_once(&started, start);
    return available;
}

void benchkit_boehm_register_thread(void) {
    if (thread_registered || !benchkit_boehm_start()) return;
    thread_registered = 1;
    if (gc.thread_is_registered()) return; // the thread that called GC_init
    struct gc_stack_base base;
    if (gc.get_stack_base(&base) != 0) return;
    gc.register_my_thread(&base);
    pthread_setspecific(registration, (void *)1);
}

void *benchkit_boehm_alloc(size_t size, size_t alignment, int noscan) {
    if (!thread_registered) benchkit_boehm_register_thread();
    // GC_memalign's blocks are scanned; pointer-free and aligned together is not offered.
    if (alignment > 16) return gc.memalign(alignment, size);
    return noscan ? gc.malloc_atomic(size) : gc.malloc(size);
}

void benchkit_boehm_add_roots(const void *base, size_t size) {
    if (benchkit_boehm_start()) gc.add_roots((void *)base, (char *)base + size);
}

void benchkit_boehm_remove_roots(const void *base, size_t size) {
    if (benchkit_boehm_start()) gc.remove_roots((void *)base, (char *)base + size);
}

int benchkit_boehm_read_stats(struct benchkit_boehm_stats *stats) {
    if (!benchkit_boehm_start()) return 0;
    gc.get_prof_stats(stats, offsetof(struct benchkit_boehm_stats, pause_total_ns));
    stats->pause_total_ns = atomic_load_explicit(&pause_total_ns, memory_order_relaxed);
    return 1;
}

uint64_t benchkit_boehm_pause_total_ns(void) { return atomic_load_explicit(&pause_total_ns, memory_order_relaxed); }

unsigned benchkit_boehm_version(void) { return benchkit_boehm_start() ? gc.get_version() : 0; }
