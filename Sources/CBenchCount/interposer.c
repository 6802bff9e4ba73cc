// libBenchCount.so: counts every malloc-family call and forwards it unchanged; in the latency
// pass it also times each forwarded call (latency.h).
//
// Why a separate preloaded library: an interposer that is present in the timed process
// costs a check and an indirect call on every allocation even when switched off, and one
// that adds a header to each block changes the size class the allocator sees (80 bytes
// become 96). `bench` therefore times each cell in a process without this library and
// counts in a second process with it, replaying the same iteration counts.
//
// The library is loaded first, so it must work before anything is set up: the first
// call resolves the next definitions with dlsym(RTLD_NEXT), and dlsym may itself call
// malloc/calloc, which are then served from a small static arena (never freed, never
// counted).
#define _GNU_SOURCE
#include "BenchCount.h"
#include "latency.h"
#include "sites.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// initial-exec: a preloaded library's TLS lives in the static TLS block, so access needs no
// __tls_get_addr call, which could allocate and recurse into malloc.
#define TLS_IE __attribute__((tls_model("initial-exec")))

// MARK: - The next allocator

static struct {
    void *(*malloc)(size_t);
    void (*free)(void *);
    void *(*calloc)(size_t, size_t);
    void *(*realloc)(void *, size_t);
    int (*posix_memalign)(void **, size_t, size_t);
    void *(*aligned_alloc)(size_t, size_t);
    void *(*memalign)(size_t, size_t);
    size_t (*malloc_usable_size)(void *);
    // jemalloc's own API; null unless jemalloc is the next allocator.
    void *(*mallocx)(size_t, int);
    void *(*rallocx)(void *, size_t, int);
    void (*sdallocx)(void *, size_t, int);
    void (*dallocx)(void *, int);
    // GoAlloc's managed heap; null unless libgoalloc.so is the next allocator.
    void *(*goalloc_gc_alloc)(size_t, size_t, int);
    // Boehm's collected heap; null unless libgc.so.1 is loaded (allocator boehm).
    void *(*gc_malloc)(size_t);
    void *(*gc_malloc_atomic)(size_t);
    void *(*gc_memalign)(size_t, size_t);
    size_t (*gc_size)(void *);
} next;

static atomic_bool resolved;
static __thread bool resolving TLS_IE;

static void die(const char *message) {
    // write(2) allocates nothing; stdio might.
    ssize_t ignored = write(STDERR_FILENO, message, strlen(message));
    (void)ignored;
    abort();
}

/// Resolves the next definitions once. Returns false while this thread is inside dlsym, whose
/// own allocations must then come from the bootstrap arena.
static bool resolve(void) {
    if (atomic_load_explicit(&resolved, memory_order_acquire)) return true;
    if (resolving) return false;
    resolving = true;
    // Several threads may race here at startup; they store the same values.
    next.malloc = dlsym(RTLD_NEXT, "malloc");
    next.free = dlsym(RTLD_NEXT, "free");
    next.calloc = dlsym(RTLD_NEXT, "calloc");
    next.realloc = dlsym(RTLD_NEXT, "realloc");
    next.posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
    next.aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
    next.memalign = dlsym(RTLD_NEXT, "memalign");
    next.malloc_usable_size = dlsym(RTLD_NEXT, "malloc_usable_size");
    next.mallocx = dlsym(RTLD_NEXT, "mallocx");
    next.rallocx = dlsym(RTLD_NEXT, "rallocx");
    next.sdallocx = dlsym(RTLD_NEXT, "sdallocx");
    next.dallocx = dlsym(RTLD_NEXT, "dallocx");
    next.goalloc_gc_alloc = dlsym(RTLD_NEXT, "goalloc_gc_alloc");
    next.gc_malloc = dlsym(RTLD_NEXT, "GC_malloc");
    next.gc_malloc_atomic = dlsym(RTLD_NEXT, "GC_malloc_atomic");
    next.gc_memalign = dlsym(RTLD_NEXT, "GC_memalign");
    next.gc_size = dlsym(RTLD_NEXT, "GC_size");
    resolving = false;
    if (!next.malloc || !next.free || !next.calloc || !next.realloc || !next.posix_memalign ||
        !next.aligned_alloc || !next.memalign || !next.malloc_usable_size) {
        die("libBenchCount: the next allocator lacks part of the malloc family\n");
    }
    atomic_store_explicit(&resolved, true, memory_order_release);
    return true;
}

// MARK: - Bootstrap arena (allocations made by dlsym during resolve)

enum { BOOTSTRAP_BYTES = 256 * 1024, BOOTSTRAP_HEADER = 16 };
static _Alignas(64) unsigned char bootstrap[BOOTSTRAP_BYTES];
static atomic_size_t bootstrap_used;

static bool in_bootstrap(const void *p) {
    return (const unsigned char *)p >= bootstrap && (const unsigned char *)p < bootstrap + BOOTSTRAP_BYTES;
}

/// Bump allocation with the block size stored in the 16 bytes before the block. The arena is
/// static (zeroed) and never reused, so calloc needs no memset.
static void *bootstrap_alloc(size_t size, size_t alignment) {
    if (alignment < BOOTSTRAP_HEADER) alignment = BOOTSTRAP_HEADER;
    size_t used = atomic_load_explicit(&bootstrap_used, memory_order_relaxed);
    for (;;) {
        size_t start = (used + BOOTSTRAP_HEADER + alignment - 1) & ~(alignment - 1);
        if (size > BOOTSTRAP_BYTES || start > BOOTSTRAP_BYTES - size) die("libBenchCount: bootstrap arena exhausted\n");
        if (atomic_compare_exchange_weak(&bootstrap_used, &used, start + size)) {
            memcpy(bootstrap + start - sizeof(size_t), &size, sizeof(size_t));
            return bootstrap + start;
        }
    }
}

static size_t bootstrap_size(const void *p) {
    size_t size;
    memcpy(&size, (const unsigned char *)p - sizeof(size_t), sizeof(size_t));
    return size;
}

// MARK: - Counters

// Sharded by thread so that a many-threaded workload's counting pass does not serialise on one
// cache line. Counting passes are not timed, but they must still finish within --timeout.
enum { SHARDS = 64 };
static struct shard {
    _Alignas(64) atomic_uint_fast64_t mallocs;
    atomic_uint_fast64_t frees;
    atomic_uint_fast64_t bytes_requested;
    atomic_uint_fast64_t bytes_usable;
} shards[SHARDS];
static atomic_uint next_shard;
static __thread int shard_index TLS_IE = -1;

unsigned benchcount_thread_shard(void) {
    if (shard_index < 0) shard_index = (int)(atomic_fetch_add_explicit(&next_shard, 1, memory_order_relaxed) % SHARDS);
    return (unsigned)shard_index;
}

static struct shard *my_shard(void) { return &shards[benchcount_thread_shard()]; }

/// Counts an allocation of `requested` bytes that handed out `usable` bytes.
static void count_sized(size_t requested, size_t usable) {
    if (benchcount_in_recorder()) return; // the site recorder's own allocation (sites.h)
    struct shard *s = my_shard();
    atomic_fetch_add_explicit(&s->mallocs, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->bytes_requested, requested, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->bytes_usable, usable, memory_order_relaxed);
    if (atomic_load_explicit(&benchcount_sites_recording, memory_order_relaxed)) benchcount_record_site(requested);
}

/// Counts a block of the malloc family (its usable size is the next allocator's to say).
static void count_alloc(size_t requested, void *block) { count_sized(requested, next.malloc_usable_size(block)); }

static void count_free(void) {
    if (benchcount_in_recorder()) return;
    atomic_fetch_add_explicit(&my_shard()->frees, 1, memory_order_relaxed);
}

void benchcount_read(struct benchcount_totals *out) {
    struct benchcount_totals sum = {0, 0, 0, 0};
    for (int i = 0; i < SHARDS; i++) {
        sum.mallocs += atomic_load_explicit(&shards[i].mallocs, memory_order_relaxed);
        sum.frees += atomic_load_explicit(&shards[i].frees, memory_order_relaxed);
        sum.bytes_requested += atomic_load_explicit(&shards[i].bytes_requested, memory_order_relaxed);
        sum.bytes_usable += atomic_load_explicit(&shards[i].bytes_usable, memory_order_relaxed);
    }
    *out = sum;
}

// MARK: - The malloc family

void *malloc(size_t size) {
    if (!resolve()) return bootstrap_alloc(size, 16);
    uint64_t start = benchcount_latency_begin();
    void *p = next.malloc(size);
    benchcount_latency_end(BENCHCOUNT_LATENCY_ALLOC, start);
    if (p) count_alloc(size, p);
    return p;
}

void free(void *p) {
    // A block that did not come from the bootstrap arena was made after resolve() succeeded.
    if (!p || in_bootstrap(p) || !resolve()) return;
    count_free();
    uint64_t start = benchcount_latency_begin();
    next.free(p);
    benchcount_latency_end(BENCHCOUNT_LATENCY_FREE, start);
}

void *calloc(size_t count, size_t size) {
    size_t total;
    if (__builtin_mul_overflow(count, size, &total)) {
        errno = ENOMEM;
        return NULL;
    }
    if (!resolve()) return bootstrap_alloc(total, 16);
    uint64_t start = benchcount_latency_begin();
    void *p = next.calloc(count, size);
    benchcount_latency_end(BENCHCOUNT_LATENCY_ALLOC, start);
    if (p) count_alloc(total, p);
    return p;
}

void *realloc(void *p, size_t size) {
    if (!resolve()) {
        void *q = bootstrap_alloc(size, 16);
        if (p) memcpy(q, p, bootstrap_size(p) < size ? bootstrap_size(p) : size);
        return q;
    }
    if (!p) return malloc(size);
    if (in_bootstrap(p)) {
        // Move a block that dlsym allocated into the real allocator.
        void *q = next.malloc(size);
        if (q) {
            size_t old = bootstrap_size(p);
            memcpy(q, p, old < size ? old : size);
            count_alloc(size, q);
        }
        return q;
    }
    uint64_t start = benchcount_latency_begin();
    void *q = next.realloc(p, size);
    benchcount_latency_end(BENCHCOUNT_LATENCY_ALLOC, start);
    if (q) {
        count_free();
        count_alloc(size, q);
    } else if (size == 0) {
        count_free(); // glibc's realloc(p, 0) frees p and returns NULL
    }
    return q;
}

void *reallocarray(void *p, size_t count, size_t size) {
    size_t total;
    if (__builtin_mul_overflow(count, size, &total)) {
        errno = ENOMEM;
        return NULL;
    }
    return realloc(p, total);
}

int posix_memalign(void **out, size_t alignment, size_t size) {
    if (!resolve()) {
        *out = bootstrap_alloc(size, alignment);
        return 0;
    }
    uint64_t start = benchcount_latency_begin();
    int result = next.posix_memalign(out, alignment, size);
    benchcount_latency_end(BENCHCOUNT_LATENCY_ALLOC, start);
    if (result == 0) count_alloc(size, *out);
    return result;
}

void *aligned_alloc(size_t alignment, size_t size) {
    if (!resolve()) return bootstrap_alloc(size, alignment);
    uint64_t start = benchcount_latency_begin();
    void *p = next.aligned_alloc(alignment, size);
    benchcount_latency_end(BENCHCOUNT_LATENCY_ALLOC, start);
    if (p) count_alloc(size, p);
    return p;
}

void *memalign(size_t alignment, size_t size) {
    if (!resolve()) return bootstrap_alloc(size, alignment);
    uint64_t start = benchcount_latency_begin();
    void *p = next.memalign(alignment, size);
    benchcount_latency_end(BENCHCOUNT_LATENCY_ALLOC, start);
    if (p) count_alloc(size, p);
    return p;
}

// valloc and pvalloc go through the next posix_memalign: not every allocator exports them, and
// glibc's versions would hand out glibc blocks that the allocator under test cannot free.
void *valloc(size_t size) {
    void *p = NULL;
    return posix_memalign(&p, (size_t)sysconf(_SC_PAGESIZE), size) == 0 ? p : NULL;
}

void *pvalloc(size_t size) {
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t rounded;
    if (__builtin_add_overflow(size, page - 1, &rounded)) {
        errno = ENOMEM;
        return NULL;
    }
    return valloc(rounded & ~(page - 1));
}

size_t malloc_usable_size(void *p) {
    if (!p) return 0;
    if (in_bootstrap(p)) return bootstrap_size(p);
    resolve();
    return next.malloc_usable_size(p);
}

// MARK: - jemalloc's API, counted the same way (the explicit Allocator interface uses it)

static void require_jemalloc(void *fn) {
    if (!fn) die("libBenchCount: a jemalloc function was called, but jemalloc is not the next allocator\n");
}

void *mallocx(size_t size, int flags) {
    resolve();
    require_jemalloc((void *)next.mallocx);
    uint64_t start = benchcount_latency_begin();
    void *p = next.mallocx(size, flags);
    benchcount_latency_end(BENCHCOUNT_LATENCY_ALLOC, start);
    if (p) count_alloc(size, p);
    return p;
}

void *rallocx(void *p, size_t size, int flags) {
    resolve();
    require_jemalloc((void *)next.rallocx);
    uint64_t start = benchcount_latency_begin();
    void *q = next.rallocx(p, size, flags);
    benchcount_latency_end(BENCHCOUNT_LATENCY_ALLOC, start);
    if (q) {
        count_free();
        count_alloc(size, q);
    }
    return q;
}

void sdallocx(void *p, size_t size, int flags) {
    resolve();
    require_jemalloc((void *)next.sdallocx);
    count_free();
    uint64_t start = benchcount_latency_begin();
    next.sdallocx(p, size, flags);
    benchcount_latency_end(BENCHCOUNT_LATENCY_FREE, start);
}

void dallocx(void *p, int flags) {
    resolve();
    require_jemalloc((void *)next.dallocx);
    count_free();
    uint64_t start = benchcount_latency_begin();
    next.dallocx(p, flags);
    benchcount_latency_end(BENCHCOUNT_LATENCY_FREE, start);
}

// MARK: - GoAlloc's managed heap (allocator go-gc), counted the same way

/// An allocation in the garbage-collected heap: counted like a malloc (its usable size is its
/// size class's, as for any GoAlloc block). Its free is the collector's, never counted, as in Go.
void *goalloc_gc_alloc(size_t size, size_t alignment, int noscan) {
    resolve();
    if (!next.goalloc_gc_alloc) die("libBenchCount: goalloc_gc_alloc was called, but libgoalloc.so is not the next allocator\n");
    uint64_t start = benchcount_latency_begin();
    void *p = next.goalloc_gc_alloc(size, alignment, noscan);
    benchcount_latency_end(BENCHCOUNT_LATENCY_ALLOC, start);
    if (p) count_alloc(size, p);
    return p;
}

// MARK: - Totals at exit, for program cells

/// SwiftPM links this library with the Swift runtime and libstdc++, and the dynamic linker runs
/// their constructors before this library's: they allocate (libstdc++'s 72 KiB exception pool,
/// twelve blocks in all) in a C program that would not otherwise load them. Counting starts here,
/// after them, so that a program cell counts what the program allocates. (A worker counts
/// between its timer's start and stop and is not affected.)
__attribute__((constructor)) static void start_counting(void) {
    for (int i = 0; i < SHARDS; i++) {
        atomic_store_explicit(&shards[i].mallocs, 0, memory_order_relaxed);
        atomic_store_explicit(&shards[i].frees, 0, memory_order_relaxed);
        atomic_store_explicit(&shards[i].bytes_requested, 0, memory_order_relaxed);
        atomic_store_explicit(&shards[i].bytes_usable, 0, memory_order_relaxed);
    }
    benchcount_latency_start_from_environment();
}

/// A program cell's counting run has no worker to ask for the totals: with BENCHCOUNT_OUT set to
/// a folder, each process that loads this library writes its totals there as it exits, to a
/// file named by its pid (`mallocs frees bytes_requested bytes_usable`), and the runner adds up
/// the files of the whole process tree. A process that ends without exit() (killed, _exit)
/// writes none.
__attribute__((destructor)) static void write_totals_at_exit(void) {
    const char *folder = getenv("BENCHCOUNT_OUT");
    if (!folder || !*folder || strlen(folder) > 4000) return;
    char path[4096 + 32], *end = path;
    size_t length = strlen(folder);
    memcpy(end, folder, length);
    end += length;
    *end++ = '/';
    end = benchcount_put_decimal(end, (uint64_t)getpid());
    *end = 0;
    struct benchcount_totals totals;
    benchcount_read(&totals);
    char line[128], *p = line;
    p = benchcount_put_decimal(p, totals.mallocs);
    *p++ = ' ';
    p = benchcount_put_decimal(p, totals.frees);
    *p++ = ' ';
    p = benchcount_put_decimal(p, totals.bytes_requested);
    *p++ = ' ';
    p = benchcount_put_decimal(p, totals.bytes_usable);
    *p++ = '\n';
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return;
    ssize_t ignored = write(fd, line, (size_t)(p - line));
    (void)ignored;
    close(fd);
    // With BENCHCOUNT_LATENCY=1, the histograms beside the totals: `<pid>.latency`.
    memcpy(end, ".latency", sizeof ".latency");
    benchcount_latency_write_at_exit(path);
}

// MARK: - Boehm's collected heap (allocator boehm), counted the same way

static void require_boehm(void) {
    resolve();
    if (!next.gc_malloc || !next.gc_malloc_atomic || !next.gc_memalign || !next.gc_size) die("libBenchCount: a GC_ function was called, but libgc.so.1 is not loaded after this library\n");
}

/// After a timed call into Boehm's heap: its time, and the block counted like a malloc with
/// GC_size as its usable size. Its free is the collector's, never counted, as go-gc's.
static void *timed_gc_block(void *p, size_t size, uint64_t start) {
    benchcount_latency_end(BENCHCOUNT_LATENCY_ALLOC, start);
    if (p) count_sized(size, next.gc_size(p));
    return p;
}

void *GC_malloc(size_t size) {
    require_boehm();
    uint64_t start = benchcount_latency_begin();
    return timed_gc_block(next.gc_malloc(size), size, start);
}

void *GC_malloc_atomic(size_t size) {
    require_boehm();
    uint64_t start = benchcount_latency_begin();
    return timed_gc_block(next.gc_malloc_atomic(size), size, start);
}

void *GC_memalign(size_t alignment, size_t size) {
    require_boehm();
    uint64_t start = benchcount_latency_begin();
    return timed_gc_block(next.gc_memalign(alignment, size), size, start);
}
