// line-handoffs: how many cache lines does malloc hand a thread that another thread wrote last?
//
// Preloaded in front of an allocator (LD_PRELOAD="handoffs.so LIB"), it passes every call on to
// the allocator and keeps, for each 64-byte line of the heap, the thread that last wrote it as far
// as the allocation calls show: a thread that is handed a block writes all of it (the programs
// measured with it fill what they get, as rptest's memset does), and a thread that frees a block
// writes its first line (every allocator here links a free block through its first word). At
// each allocation it counts the block's lines whose last writer was another thread: where threads
// run on cores with private caches, each one is a line the allocating thread must fetch from
// another core's cache before it can write it (where two CPUs share their caches, as the 2-vCPU VM
// of results/cross-thread-lines-2026-12-07 does, such a line costs about nothing). An allocator that returns a block freed by another
// thread to the thread that allocated it (mimalloc's thread-free lists, glibc's arenas) keeps the
// count low; one whose thread caches take whatever their thread frees (tcmalloc, jemalloc,
// GoAlloc) hands the lines across. The count depends on the allocator's policy, not on the
// machine's timing; it moves a little with the threads' interleaving.
//
// At exit it prints one line on stderr:
//   line-handoffs: allocations N lines L handed-over H (P%)
// Threads are numbered 1-255 in the order of their first call; a 256th shares a number with the
// first. Lines above 2^47 (not a user-space heap) are not tracked.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

enum { LINE_SHIFT = 6, LEAF_SHIFT = 24, ROOT_SIZE = 1 << (47 - LINE_SHIFT - LEAF_SHIFT) };

// The last writer of each line: a root of leaves, one byte per line of a 1 GiB region, mapped on
// first use (mmap, never malloc: this runs inside malloc).
static _Atomic(uint8_t *) root[ROOT_SIZE];

static uint8_t *writer(uintptr_t line) {
    uintptr_t index = line >> LEAF_SHIFT;
    if (index >= ROOT_SIZE) return NULL;
    uint8_t *leaf = atomic_load_explicit(&root[index], memory_order_acquire);
    if (leaf == NULL) {
        uint8_t *fresh = mmap(NULL, (size_t)1 << LEAF_SHIFT, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (fresh == MAP_FAILED) return NULL;
        if (atomic_compare_exchange_strong(&root[index], &leaf, fresh)) {
            leaf = fresh;
        } else {
            munmap(fresh, (size_t)1 << LEAF_SHIFT); // another thread mapped it first: leaf is its
        }
    }
    return leaf + (line & (((uintptr_t)1 << LEAF_SHIFT) - 1));
}

static atomic_uint threads;
static __thread uint8_t self;
static _Atomic uint64_t allocations, lines, handedOver;

static uint8_t thread_number(void) {
    if (self == 0) self = (uint8_t)(1 + atomic_fetch_add(&threads, 1) % 255);
    return self;
}

// A block of `size` bytes at `block` handed to this thread: count and claim its lines.
static void *handed(void *block, size_t size) {
    if (block == NULL || size == 0) return block;
    uint8_t me = thread_number();
    uint64_t count = 0, over = 0;
    uintptr_t last = ((uintptr_t)block + size - 1) >> LINE_SHIFT;
    for (uintptr_t line = (uintptr_t)block >> LINE_SHIFT; line <= last; line++) {
        uint8_t *w = writer(line);
        if (w == NULL) break;
        count++;
        if (*w != 0 && *w != me) over++;
        *w = me;
    }
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&lines, count, memory_order_relaxed);
    atomic_fetch_add_explicit(&handedOver, over, memory_order_relaxed);
    return block;
}

// The allocator's functions, found on the first call. dlsym may allocate while it looks them up:
// those few requests come from a static buffer and are never freed.
static void *(*next_malloc)(size_t);
static void *(*next_calloc)(size_t, size_t);
static void *(*next_realloc)(void *, size_t);
static void *(*next_memalign)(size_t, size_t);
static int (*next_posix_memalign)(void **, size_t, size_t);
static void *(*next_aligned_alloc)(size_t, size_t);
static void (*next_free)(void *);
static _Alignas(16) char early[1 << 16];
static size_t earlyUsed;
static int resolving;

static int resolve(void) {
    if (next_free != NULL) return 1;
    if (resolving) return 0;
    resolving = 1;
    next_malloc = dlsym(RTLD_NEXT, "malloc");
    next_calloc = dlsym(RTLD_NEXT, "calloc");
    next_realloc = dlsym(RTLD_NEXT, "realloc");
    next_memalign = dlsym(RTLD_NEXT, "memalign");
    next_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
    next_aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
    next_free = dlsym(RTLD_NEXT, "free");
    resolving = 0;
    return 1;
}

static void *early_block(size_t size) {
    size = (size + 15) & ~(size_t)15;
    if (earlyUsed + size > sizeof early) return NULL;
    void *block = early + earlyUsed;
    earlyUsed += size;
    return block; // static storage: already zero
}

static int is_early(void *block) { return (char *)block >= early && (char *)block < early + sizeof early; }

void *malloc(size_t size) { return resolve() ? handed(next_malloc(size), size) : early_block(size); }

void *calloc(size_t count, size_t size) {
    if (!resolve()) return size != 0 && count > SIZE_MAX / size ? NULL : early_block(count * size);
    void *block = next_calloc(count, size);
    return block == NULL ? NULL : handed(block, count * size);
}

void *realloc(void *block, size_t size) {
    resolve();
    if (is_early(block)) {
        // An early block's size is not kept: copy what the buffer holds from it, at most `size`.
        size_t available = (size_t)(early + sizeof early - (char *)block);
        void *moved = malloc(size);
        if (moved != NULL) memcpy(moved, block, available < size ? available : size);
        return moved;
    }
    return handed(next_realloc(block, size), size);
}

void *memalign(size_t alignment, size_t size) { resolve(); return handed(next_memalign(alignment, size), size); }
void *aligned_alloc(size_t alignment, size_t size) { resolve(); return handed(next_aligned_alloc(alignment, size), size); }

int posix_memalign(void **result, size_t alignment, size_t size) {
    resolve();
    int error = next_posix_memalign(result, alignment, size);
    if (error == 0) handed(*result, size);
    return error;
}

void free(void *block) {
    if (block == NULL || is_early(block)) return;
    uint8_t *w = writer((uintptr_t)block >> LINE_SHIFT);
    if (w != NULL) *w = thread_number();
    resolve();
    next_free(block);
}

__attribute__((destructor)) static void report(void) {
    uint64_t l = atomic_load(&lines), h = atomic_load(&handedOver);
    fprintf(stderr, "line-handoffs: allocations %llu lines %llu handed-over %llu (%.2f%%)\n",
            (unsigned long long)atomic_load(&allocations), (unsigned long long)l, (unsigned long long)h,
            l == 0 ? 0.0 : 100.0 * (double)h / (double)l);
}
