// Allocation sites: the call stack of every allocation while the timer runs, aggregated by stack
// (Go's -memprofile with MemProfileRate=1), for `bench run --memprofile`.
//
// Why not heaptrack or Valgrind's DHAT, which record allocation stacks already: DHAT replaces the
// allocator with its own (so the cell would no longer measure jemalloc or GoAlloc), neither sees
// go-gc's allocations (goalloc_gc_alloc is not malloc), and neither can be told to record only
// while the benchmark's timer runs, so their counts would not be the cell's allocs/op. Here the
// sites are recorded by the same hooks that count, over the same span, so the sites of a run add
// up to its allocs/op exactly.
//
// The stack is walked through the frame pointers: Swift code, the Swift runtime and this
// package's C code keep them, and the walk allocates nothing and takes tens of nanoseconds. A
// frame compiled without a frame pointer (some of libc) ends the walk early or skips its caller;
// every step is checked to stay inside the thread's stack, so a stray value ends the walk rather
// than the process. Stacks are kept in a fixed table (no allocation); a stack that finds no room
// is counted as dropped.
#define _GNU_SOURCE
#include "sites.h"
#include "BenchCount.h"

#include <link.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#define TLS_IE __attribute__((tls_model("initial-exec")))

enum { TABLE_SIZE = 8192 }; // a power of two; 8192 x 536 bytes = 4.2 MiB of zeroed .bss

atomic_int benchcount_sites_recording;

static struct benchcount_site table[TABLE_SIZE];
static uint64_t hashes[TABLE_SIZE];
static size_t used;
static uint64_t dropped;
static atomic_flag table_lock = ATOMIC_FLAG_INIT;

/// This library's code: frames inside it (the hook, this file) are not the program's.
static uintptr_t own_start, own_end;

static __thread bool recording_here TLS_IE;
/// The calling thread's stack, [low, high); zero until first needed.
static __thread uintptr_t stack_low TLS_IE, stack_high TLS_IE;

bool benchcount_in_recorder(void) { return recording_here; }

static void find_stack(void) {
    pthread_attr_t attr;
    void *base = NULL;
    size_t size = 0;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
        pthread_attr_getstack(&attr, &base, &size);
        pthread_attr_destroy(&attr);
    }
    stack_low = (uintptr_t)base;
    stack_high = (uintptr_t)base + size;
}

static int find_own_code(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    uintptr_t probe = (uintptr_t)data;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *segment = &info->dlpi_phdr[i];
        if (segment->p_type != PT_LOAD || !(segment->p_flags & PF_X)) continue;
        uintptr_t start = info->dlpi_addr + segment->p_vaddr;
        if (probe >= start && probe < start + segment->p_memsz) {
            own_start = start;
            own_end = start + segment->p_memsz;
            return 1;
        }
    }
    return 0;
}

void benchcount_sites_reset(void) {
    atomic_store(&benchcount_sites_recording, 0);
    while (atomic_flag_test_and_set_explicit(&table_lock, memory_order_acquire)) {}
    memset(table, 0, sizeof table);
    memset(hashes, 0, sizeof hashes);
    used = 0;
    dropped = 0;
    atomic_flag_clear_explicit(&table_lock, memory_order_release);
    if (!own_start) dl_iterate_phdr(find_own_code, (void *)(uintptr_t)&benchcount_sites_reset);
    // The workload's thread finds its stack now, outside the timed span.
    recording_here = true;
    if (!stack_high) find_stack();
    recording_here = false;
}

void benchcount_sites_record(int32_t on) { atomic_store(&benchcount_sites_recording, on != 0); }

size_t benchcount_sites_read(struct benchcount_site *sites, size_t capacity, uint64_t *dropped_out) {
    while (atomic_flag_test_and_set_explicit(&table_lock, memory_order_acquire)) {}
    size_t count = 0;
    for (size_t i = 0; i < TABLE_SIZE; i++) {
        if (!table[i].allocations) continue;
        if (sites && count < capacity) sites[count] = table[i];
        count++;
    }
    *dropped_out = dropped;
    atomic_flag_clear_explicit(&table_lock, memory_order_release);
    return count;
}

/// Walks the frame pointers from the caller of `benchcount_record_site`'s caller outwards.
static __attribute__((noinline)) uint32_t walk(uintptr_t *frames, uint32_t *truncated) {
    uintptr_t fp = (uintptr_t)__builtin_frame_address(0);
    uint32_t depth = 0;
    *truncated = 0;
    for (;;) {
        if (fp < stack_low || fp > stack_high - 2 * sizeof(uintptr_t) || (fp & (sizeof(uintptr_t) - 1))) break;
        uintptr_t next = ((uintptr_t *)fp)[0];
        uintptr_t ret = ((uintptr_t *)fp)[1];
        if (!ret) break;
        if (ret < own_start || ret >= own_end) { // frames of this library are the recorder's, not the program's
            if (depth == BENCHCOUNT_SITE_FRAMES) {
                *truncated = 1;
                break;
            }
            frames[depth++] = ret;
        }
        if (next <= fp) break; // stacks grow down: a caller's frame is above its callee's
        fp = next;
    }
    return depth;
}

void benchcount_record_site(size_t size) {
    recording_here = true;
    if (!stack_high) find_stack(); // a thread the workload started: its first recorded allocation
    uintptr_t frames[BENCHCOUNT_SITE_FRAMES];
    uint32_t truncated;
    uint32_t depth = walk(frames, &truncated);
    uint64_t hash = 1469598103934665603ull; // FNV-1a over the frames
    for (uint32_t i = 0; i < depth; i++) hash = (hash ^ frames[i]) * 1099511628211ull;
    hash |= 1; // zero marks a free slot

    while (atomic_flag_test_and_set_explicit(&table_lock, memory_order_acquire)) {}
    size_t slot = hash & (TABLE_SIZE - 1);
    for (size_t probe = 0;; probe++, slot = (slot + 1) & (TABLE_SIZE - 1)) {
        if (probe == TABLE_SIZE || (!hashes[slot] && used >= TABLE_SIZE * 3 / 4)) {
            dropped++;
            break;
        }
        if (!hashes[slot]) {
            hashes[slot] = hash;
            memcpy(table[slot].frames, frames, depth * sizeof(uintptr_t));
            table[slot].depth = depth;
            table[slot].truncated = truncated;
            used++;
        } else if (hashes[slot] != hash || table[slot].depth != depth
                   || memcmp(table[slot].frames, frames, depth * sizeof(uintptr_t)) != 0) {
            continue;
        }
        table[slot].allocations++;
        table[slot].bytes_requested += size;
        break;
    }
    atomic_flag_clear_explicit(&table_lock, memory_order_release);
    recording_here = false;
}
