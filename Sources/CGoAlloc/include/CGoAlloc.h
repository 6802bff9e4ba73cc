// The few things GoAlloc needs that Swift cannot express without allocating or without a
// runtime: a thread-local slot with the initial-exec TLS model, relaxed atomics on raw memory,
// a root pointer that exists before any initialisation, and constant tables (GoSizeClasses.h).
// The C layout of what libgoalloc.so exports is CGoAllocABI's. Everything here is static inline or
// plain data; keep it that way.
#ifndef CGOALLOC_H
#define CGOALLOC_H

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "GoSizeClasses.h"
#include "GoStopTheWorld.h"
#include "GoWriteTracking.h"
#include "GoAllocABI.h" // the MemStats struct libgoalloc.so exports

// MARK: - Size classes

/// Go's size_to_class: the class of a small object (size <= 32768).
static inline uint8_t goalloc_size_class(size_t size) {
    return size <= GO_SMALL_SIZE_MAX - 8 ? go_size_to_class8[(size + GO_SMALL_SIZE_DIV - 1) / GO_SMALL_SIZE_DIV]
                                         : go_size_to_class128[(size - GO_SMALL_SIZE_MAX + GO_LARGE_SIZE_DIV - 1) / GO_LARGE_SIZE_DIV];
}
/// Go's class of a small request of 1...1016 bytes (size_to_class8's range): one load.
static inline uint8_t goalloc_size_class8(size_t size) { return go_size_to_class8[(size + GO_SMALL_SIZE_DIV - 1) / GO_SMALL_SIZE_DIV]; }
/// The class of a request of `size` bytes (0...32768) with GoAlloc's natural 16-byte alignment:
/// one load (see go_size16_to_class).
static inline uint8_t goalloc_size_class16(size_t size) { return go_size16_to_class[(size + 15) >> 4]; }
static inline uint32_t goalloc_class_size(uint32_t sizeclass) { return go_class_to_size[sizeclass]; }
static inline uint32_t goalloc_class_npages(uint32_t sizeclass) { return go_class_to_allocnpages[sizeclass]; }
static inline uint32_t goalloc_class_nelems(uint32_t sizeclass) { return go_class_to_nelems[sizeclass]; }
static inline uint32_t goalloc_class_min_align(uint32_t sizeclass) { return go_class_to_min_align[sizeclass]; }
static inline uint32_t goalloc_class_div_mul(uint32_t sizeclass) { return go_class_to_div_mul[sizeclass]; }

// GoAlloc's C globals are hidden: libgoalloc.so must neither export them nor have its references
// to them bound to another copy (a program that links GoAlloc itself and preloads the library).
#define GOALLOC_HIDDEN __attribute__((visibility("hidden")))

/// Bytes of an MCache (MCache.bytes in Swift, checked there): a 64-byte header, the cache's copy
/// of go_size16_to_class (rounded up to words), and nine words per size class.
enum { GOALLOC_CLASS_TABLE_BYTES = (sizeof go_size16_to_class + 7) & ~7 };
enum { GOALLOC_MCACHE_BYTES = 64 + GOALLOC_CLASS_TABLE_BYTES + 9 * 8 * GO_NUM_SIZE_CLASSES };
/// Copies go_size16_to_class into a new cache (MCache.initializeClasses).
static inline void goalloc_copy_size16_table(void *cache_table) { memcpy(cache_table, go_size16_to_class, sizeof go_size16_to_class); }

// MARK: - The thread's cache

/// The calling thread's MCache. initial-exec: when GoAlloc is the process's malloc, the
/// general-dynamic model could call __tls_get_addr, which may allocate on a thread's first access.
/// A thread without a cache holds `goalloc_empty_cache` (read-only, all zero: every class's list
/// and carving range are empty), so malloc's fast path needs no test for a missing cache: it finds
/// nothing to hand out and takes the slow path, which makes the cache. The relocated initial
/// value is copied into each thread's block after relocation (glibc's rtld does it in that order).
extern GOALLOC_HIDDEN const char goalloc_empty_cache[GOALLOC_MCACHE_BYTES];
extern GOALLOC_HIDDEN __thread void *goalloc_tls_cache __attribute__((tls_model("initial-exec")));
/// The thread's cache for malloc's fast path: its MCache, or the empty one.
static inline void *goalloc_cache_or_empty(void) { return goalloc_tls_cache; }
static inline const void *goalloc_empty_cache_address(void) { return goalloc_empty_cache; }
/// The thread's MCache, or NULL.
static inline void *goalloc_current_cache(void) {
    void *cache = goalloc_tls_cache;
    return cache == (void *)goalloc_empty_cache ? NULL : cache;
}
static inline void goalloc_set_current_cache(void *cache) { goalloc_tls_cache = cache ? cache : (void *)goalloc_empty_cache; }
/// Set once the thread's cache went back at thread exit: frees that come later in the thread's
/// teardown (other keys' destructors, glibc's own cleanup) must not make a cache nobody returns.
extern GOALLOC_HIDDEN __thread _Bool goalloc_tls_exited __attribute__((tls_model("initial-exec")));
static inline _Bool goalloc_thread_exited(void) { return goalloc_tls_exited; }
static inline void goalloc_set_thread_exited(void) { goalloc_tls_exited = 1; }

/// The locks the thread holds, counted by rank (LockRank.swift): debug and test builds check the
/// lock order against them; release builds never touch them. Initial-exec like the cache slot,
/// so that checking a lock on malloc's path allocates nothing.
enum { GOALLOC_LOCK_RANKS = 8 };
extern GOALLOC_HIDDEN __thread uint16_t goalloc_tls_held_ranks[GOALLOC_LOCK_RANKS] __attribute__((tls_model("initial-exec")));
static inline uint16_t *goalloc_held_ranks(void) { return goalloc_tls_held_ranks; }

// MARK: - The root

/// The heap's root structure, published once with release semantics.
extern GOALLOC_HIDDEN void *goalloc_root;
/// Serialises the one-time initialisation (statically initialised: usable before anything runs).
extern GOALLOC_HIDDEN pthread_mutex_t goalloc_init_lock;
static inline void *goalloc_load_root(void) { return __atomic_load_n(&goalloc_root, __ATOMIC_ACQUIRE); }
static inline void goalloc_publish_root(void *root) { __atomic_store_n(&goalloc_root, root, __ATOMIC_RELEASE); }
static inline int goalloc_lock_init(void) { return pthread_mutex_lock(&goalloc_init_lock); }
static inline int goalloc_unlock_init(void) { return pthread_mutex_unlock(&goalloc_init_lock); }

// MARK: - The arena index

/// MHeap's arena index: one entry per 64 MiB of the 47-bit address space, NULL or, for an arena,
/// its page classes' address less its first page number times 8 (MHeap.indexEntry). A static array (16 MiB of bss: untouched pages cost nothing and read as zero) rather than
/// memory behind a pointer, so that free reaches an entry in one load, with no test for a heap
/// that does not exist yet. Entries are written under the heap lock and read by any thread:
/// relaxed atomics (plain moves) make that well-defined; a span's entries are written before its
/// memory is handed out.
enum { GOALLOC_ARENA_INDEX_ENTRIES = 1 << 21 };
extern GOALLOC_HIDDEN void *goalloc_arena_index[GOALLOC_ARENA_INDEX_ENTRIES];
static inline void *goalloc_arena_at(size_t slot) { return __atomic_load_n(&goalloc_arena_index[slot], __ATOMIC_RELAXED); }
/// The page class of page number `page` (an address >> 13) through its arena's index entry: one
/// byte load, zero-extended by the load itself. Written under the heap lock while other threads
/// read it: a volatile load (one indivisible byte load on every target GoAlloc builds for, the
/// kernel's READ_ONCE), not an atomic one, which the compiler widens with one more instruction.
static inline uint64_t goalloc_load_page_class(const void *entry, size_t page) {
    return ((const volatile uint8_t *)entry)[page];
}
static inline void goalloc_store_relaxed_u8(uint8_t *p, uint8_t v) { __atomic_store_n(p, v, __ATOMIC_RELAXED); }
static inline void goalloc_set_arena_at(size_t slot, void *arena) { __atomic_store_n(&goalloc_arena_index[slot], arena, __ATOMIC_RELEASE); }

// MARK: - Atomics on raw memory

// Statistics counters have one writer (the owning thread) and are read by ReadMemStats on other
// threads: relaxed loads and stores compile to plain moves but make that sharing well-defined.
static inline uint64_t goalloc_load_relaxed(const uint64_t *p) { return __atomic_load_n(p, __ATOMIC_RELAXED); }
static inline void goalloc_store_relaxed(uint64_t *p, uint64_t v) { __atomic_store_n(p, v, __ATOMIC_RELAXED); }
static inline uint64_t goalloc_load_acquire(const uint64_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline void goalloc_store_release(uint64_t *p, uint64_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }
static inline uint64_t goalloc_fetch_add(uint64_t *p, uint64_t v) { return __atomic_fetch_add(p, v, __ATOMIC_ACQ_REL); }
/// One more, by its only writer: a relaxed load and store, which the compiler folds into a single
/// `inc` on memory (not a locked instruction; readers on other threads see the old or the new value).
static inline void goalloc_increment_relaxed(uint64_t *p) { __atomic_store_n(p, __atomic_load_n(p, __ATOMIC_RELAXED) + 1, __ATOMIC_RELAXED); }
/// One less, by its only writer, as goalloc_increment_relaxed: one `dec` on memory.
static inline void goalloc_decrement_relaxed(long *p) { __atomic_store_n(p, __atomic_load_n(p, __ATOMIC_RELAXED) - 1, __ATOMIC_RELAXED); }
static inline uint32_t goalloc_load_relaxed_u32(const uint32_t *p) { return __atomic_load_n(p, __ATOMIC_RELAXED); }
static inline void goalloc_store_relaxed_u32(uint32_t *p, uint32_t v) { __atomic_store_n(p, v, __ATOMIC_RELAXED); }
// The mark workers' handshakes (GC/MarkWork.swift): a round's `open` flag and its `inside` count
// are a store-then-load pair on each side, which needs sequential consistency.
static inline uint32_t goalloc_load_seq_u32(const uint32_t *p) { return __atomic_load_n(p, __ATOMIC_SEQ_CST); }
static inline void goalloc_store_seq_u32(uint32_t *p, uint32_t v) { __atomic_store_n(p, v, __ATOMIC_SEQ_CST); }
static inline void goalloc_add_seq_u32(uint32_t *p, int32_t v) { __atomic_fetch_add(p, (uint32_t)v, __ATOMIC_SEQ_CST); }

/// A spin lock for the mark workers' shared list: held for a few dozen instructions by threads
/// that each have a CPU (one of them may be in a signal handler, where a futex-based mutex
/// could not be used).
static inline void goalloc_cpu_relax(void) {
#if defined(__x86_64__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}
static inline void goalloc_spin_lock(uint32_t *lock) {
    while (__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE) != 0) {
        while (__atomic_load_n(lock, __ATOMIC_RELAXED) != 0) goalloc_cpu_relax();
    }
}
static inline void goalloc_spin_unlock(uint32_t *lock) { __atomic_store_n(lock, 0, __ATOMIC_RELEASE); }

// MARK: - Threads on heap stacks

/// glibc's non-blocking join (a GNU extension the Swift Glibc module does not declare): 0 once the
/// thread has exited and is joined, EBUSY while it runs. The reaper of unjoined threads uses it.
int pthread_tryjoin_np(pthread_t thread, void **result);
static inline int goalloc_tryjoin(pthread_t thread) { return pthread_tryjoin_np(thread, NULL); }

// MARK: - The process's end

/// Whether the calling thread is the process's last live thread after the main thread has
/// called pthread_exit: /proc/self/stat then shows the main thread as a zombie (state Z) and two
/// threads, the zombie and the caller. glibc would end the process when its last thread ends; a
/// background thread of the allocator (the scavenger) that finds itself last must end it the same
/// way. Reads with open/read into a stack buffer: nothing here allocates.
GOALLOC_HIDDEN int goalloc_only_background_thread_left(void);

// MARK: - libgoalloc.so

static inline void goalloc_set_errno(int value) { errno = value; }

#endif
