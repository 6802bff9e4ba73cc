// malloc-conformance: checks the malloc family's behaviour that programs rely on, as glibc 2.36
// defines it, on whichever allocator the process has. The tests run it twice, on glibc (nothing
// preloaded: the checks themselves are right) and with libgoalloc.so preloaded (GoAlloc behaves
// the same).
//
//     malloc-conformance GROUP...   groups: zero huge alignment realloc usable threads fork
//                                   thread-exit goalloc (needs libgoalloc.so preloaded)
//
// Prints "ok GROUP" or "FAIL GROUP: what" per group and exits 1 if anything failed.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "GoAllocABI.h" // the MemStats struct and the exports' types (target CGoAllocABI)

// Every call goes through these volatile pointers: the compiler knows the malloc family (glibc's
// headers declare their alignment and size attributes, and clang deletes a malloc whose block is
// only freed), so a direct call could be folded away together with the check on its result.
static void *(*volatile malloc_)(size_t) = malloc;
static void (*volatile free_)(void *) = free;
static void *(*volatile calloc_)(size_t, size_t) = calloc;
static void *(*volatile realloc_)(void *, size_t) = realloc;
static void *(*volatile reallocarray_)(void *, size_t, size_t) = reallocarray;
static int (*volatile posix_memalign_)(void **, size_t, size_t) = posix_memalign;
static void *(*volatile memalign_)(size_t, size_t) = memalign;
static void *(*volatile aligned_alloc_)(size_t, size_t) = aligned_alloc;
static void *(*volatile valloc_)(size_t) = valloc;
static void *(*volatile pvalloc_)(size_t) = pvalloc;
static size_t (*volatile malloc_usable_size_)(void *) = malloc_usable_size;
#define malloc malloc_
#define free free_
#define calloc calloc_
#define realloc realloc_
#define reallocarray reallocarray_
#define posix_memalign posix_memalign_
#define memalign memalign_
#define aligned_alloc aligned_alloc_
#define valloc valloc_
#define pvalloc pvalloc_
#define malloc_usable_size malloc_usable_size_

static int failures;
static const char *group;

#define CHECK(condition, ...)                                                \
    do {                                                                     \
        if (!(condition)) {                                                  \
            printf("FAIL %s: line %d: %s: ", group, __LINE__, #condition);   \
            printf(__VA_ARGS__);                                             \
            printf("\n");                                                    \
            failures++;                                                      \
        }                                                                    \
    } while (0)

static bool aligned(const void *p, size_t alignment) { return ((uintptr_t)p & (alignment - 1)) == 0; }

/// Fills a block with a pattern that depends on its address and a seed, and checks it back.
static void paint(unsigned char *p, size_t n, unsigned seed) {
    for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(i * 31 + seed);
}
static bool intact(const unsigned char *p, size_t n, unsigned seed) {
    for (size_t i = 0; i < n; i++) if (p[i] != (unsigned char)(i * 31 + seed)) return false;
    return true;
}

// MARK: - Zero sizes

static void zero_sizes(void) {
    void *a = malloc(0), *b = malloc(0);
    CHECK(a && b && a != b, "malloc(0) gives unique blocks: %p %p", a, b);
    free(a);
    free(b);
    free(NULL);
    void *c = calloc(0, 8), *d = calloc(8, 0);
    CHECK(c && d, "calloc with a zero count or size gives a block");
    free(c);
    free(d);
    void *e = realloc(NULL, 0);
    CHECK(e != NULL, "realloc(NULL, 0) is malloc(0)");
    CHECK(realloc(e, 0) == NULL, "realloc(p, 0) frees p and returns NULL");
    void *f = malloc(10);
    CHECK(reallocarray(f, 0, 10) == NULL, "reallocarray(p, 0, n) frees p and returns NULL");
    void *g = NULL;
    CHECK(posix_memalign(&g, 64, 0) == 0 && g != NULL, "posix_memalign of 0 bytes gives a block");
    free(g);
    void *h = aligned_alloc(64, 0);
    CHECK(h != NULL && aligned(h, 64), "aligned_alloc of 0 bytes gives an aligned block");
    free(h);
    void *i = pvalloc(0);
    CHECK(i != NULL && aligned(i, 4096), "pvalloc(0) gives a page-aligned block (0 rounds to 0 pages)");
    free(i);
    CHECK(malloc_usable_size(NULL) == 0, "malloc_usable_size(NULL) is 0");
}

// MARK: - Huge sizes: fail with ENOMEM, leave the old block alone

static void expect_enomem(void *p, const char *call) {
    CHECK(p == NULL && errno == ENOMEM, "%s fails with ENOMEM (got %p, errno %d)", call, p, errno);
    free(p);
}

static void huge_sizes(void) {
    const size_t huge[] = {SIZE_MAX, SIZE_MAX - 4096, PTRDIFF_MAX, (size_t)PTRDIFF_MAX + 1, (size_t)1 << 46, (size_t)1 << 45};
    for (size_t k = 0; k < sizeof huge / sizeof huge[0]; k++) {
        size_t n = huge[k];
        errno = 0; expect_enomem(malloc(n), "malloc");
        errno = 0; expect_enomem(calloc(1, n), "calloc(1, huge)");
        errno = 0; expect_enomem(memalign(64, n), "memalign");
        errno = 0; expect_enomem(aligned_alloc(4096, n), "aligned_alloc");
        errno = 0; expect_enomem(valloc(n), "valloc");
        errno = 0; expect_enomem(pvalloc(n), "pvalloc");
        void *kept = (void *)0x1;
        CHECK(posix_memalign(&kept, 64, n) == ENOMEM && kept == (void *)0x1, "posix_memalign returns ENOMEM, leaves *p");
        unsigned char *old = malloc(100);
        paint(old, 100, 7);
        errno = 0;
        CHECK(realloc(old, n) == NULL && errno == ENOMEM, "realloc to a huge size fails with ENOMEM");
        CHECK(intact(old, 100, 7), "a failed realloc leaves the block intact");
        free(old);
    }
    // Products that overflow size_t.
    errno = 0; expect_enomem(calloc(SIZE_MAX / 2 + 1, 2), "calloc overflowing");
    errno = 0; expect_enomem(calloc((size_t)1 << 33, (size_t)1 << 33), "calloc overflowing");
    errno = 0; expect_enomem(reallocarray(NULL, SIZE_MAX, 2), "reallocarray overflowing");
    unsigned char *old = malloc(50);
    paint(old, 50, 3);
    errno = 0;
    CHECK(reallocarray(old, (size_t)1 << 40, (size_t)1 << 40) == NULL && errno == ENOMEM, "reallocarray overflow");
    CHECK(intact(old, 50, 3), "a failed reallocarray leaves the block intact");
    free(old);
    // An invalid alignment: posix_memalign says so; memalign cannot round it to a power of two.
    void *p = NULL;
    CHECK(posix_memalign(&p, 0, 8) == EINVAL, "posix_memalign alignment 0 is EINVAL");
    CHECK(posix_memalign(&p, 24, 8) == EINVAL, "posix_memalign alignment 24 is EINVAL");
    CHECK(posix_memalign(&p, 4, 8) == EINVAL, "posix_memalign alignment below sizeof(void *) is EINVAL");
    errno = 0;
    CHECK(memalign(SIZE_MAX, 8) == NULL && errno == EINVAL, "memalign with an alignment beyond 2^63 is EINVAL");
}

// MARK: - Every alignment from 1 to the page size, and beyond

static void alignments(void) {
    const size_t sizes[] = {1, 24, 100, 1000, 5000, 40000, 300000};
    for (size_t alignment = 1; alignment <= (size_t)1 << 21; alignment *= 2) {
        for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
            size_t n = sizes[k];
            void *p = NULL;
            int status = posix_memalign(&p, alignment, n);
            if (alignment < sizeof(void *)) {
                CHECK(status == EINVAL, "posix_memalign(%zu) is EINVAL", alignment);
            } else {
                CHECK(status == 0 && aligned(p, alignment) && malloc_usable_size(p) >= n,
                      "posix_memalign(%zu, %zu) = %p", alignment, n, p);
                if (p) { paint(p, n, 1); CHECK(intact(p, n, 1), "posix_memalign block holds data"); }
                free(p);
            }
            void *q = memalign(alignment, n);
            CHECK(q && aligned(q, alignment) && malloc_usable_size(q) >= n, "memalign(%zu, %zu) = %p", alignment, n, q);
            free(q);
            void *r = aligned_alloc(alignment, n);
            CHECK(r && aligned(r, alignment) && malloc_usable_size(r) >= n, "aligned_alloc(%zu, %zu) = %p", alignment, n, r);
            free(r);
        }
    }
    // memalign rounds an alignment that is not a power of two up to one.
    void *odd = memalign(24, 8);
    CHECK(odd && aligned(odd, 32), "memalign(24) aligns to 32: %p", odd);
    free(odd);
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        void *v = valloc(sizes[k]);
        CHECK(v && aligned(v, 4096) && malloc_usable_size(v) >= sizes[k], "valloc(%zu) = %p", sizes[k], v);
        free(v);
        void *w = pvalloc(sizes[k]);
        size_t pages = (sizes[k] + 4095) / 4096 * 4096;
        CHECK(w && aligned(w, 4096) && malloc_usable_size(w) >= pages, "pvalloc(%zu) = %p", sizes[k], w);
        free(w);
    }
    // malloc's own alignment: 16 bytes for blocks of 16 or more.
    for (size_t n = 16; n < 70000; n = n * 3 / 2) {
        void *m = malloc(n);
        CHECK(m && aligned(m, 16), "malloc(%zu) is 16-byte aligned: %p", n, m);
        free(m);
    }
}

// MARK: - realloc growing and shrinking across size classes and into large spans

static void reallocs(void) {
    const size_t steps[] = {1, 8, 16, 17, 100, 1000, 1024, 1025, 5000, 32768, 32769, 100000, 1 << 20, 3 << 20,
                            40000, 32768, 2000, 100, 16, 1};
    size_t size = 1;
    unsigned char *p = malloc(size);
    paint(p, size, 9);
    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
        size_t next = steps[k];
        p = realloc(p, next);
        CHECK(p != NULL, "realloc to %zu", next);
        if (!p) return;
        size_t kept = size < next ? size : next;
        CHECK(intact(p, kept, 9), "realloc from %zu to %zu keeps the contents", size, next);
        CHECK(malloc_usable_size(p) >= next, "realloc to %zu: usable %zu", next, malloc_usable_size(p));
        paint(p, next, 9);
        size = next;
    }
    free(p);
    // calloc's memory is zero, also when it reuses a freed block.
    for (int round = 0; round < 3; round++) {
        for (size_t n = 8; n < (2 << 20); n *= 3) {
            unsigned char *dirty = malloc(n);
            memset(dirty, 0xEE, n);
            free(dirty);
            unsigned char *clean = calloc(1, n);
            bool zero = true;
            for (size_t i = 0; i < n; i++) if (clean[i]) { zero = false; break; }
            CHECK(zero, "calloc(1, %zu) is zeroed", n);
            free(clean);
        }
    }
}

// MARK: - The whole usable size is the caller's

static void usable_sizes(void) {
    enum { COUNT = 400 };
    unsigned char *blocks[COUNT];
    size_t usable[COUNT];
    for (int i = 0; i < COUNT; i++) {
        size_t n = (size_t)(i * 97 % 5000) + 1;
        blocks[i] = malloc(n);
        usable[i] = malloc_usable_size(blocks[i]);
        CHECK(usable[i] >= n, "usable %zu >= %zu", usable[i], n);
        paint(blocks[i], usable[i], (unsigned)i);
    }
    for (int i = 0; i < COUNT; i++) {
        CHECK(intact(blocks[i], usable[i], (unsigned)i), "block %d was not overwritten by its neighbours", i);
        free(blocks[i]);
    }
}

// MARK: - Several threads, objects freed by another thread than the one that made them

enum { THREADS = 4, RING = 1024, PER_THREAD = 100000 };

struct ring {
    pthread_mutex_t lock;
    unsigned char *blocks[RING];
    size_t sizes[RING];
    unsigned head, tail;
};

static struct ring rings[THREADS];

static void *stress_thread(void *arg) {
    unsigned self = (unsigned)(uintptr_t)arg, state = self * 2654435761u + 1;
    struct ring *mine = &rings[self], *next = &rings[(self + 1) % THREADS];
    for (int i = 0; i < PER_THREAD; i++) {
        state = state * 1103515245u + 12345u;
        size_t n = (state >> 8) % 64 == 0 ? 40000 + (state >> 16) % 100000 : 1 + (state >> 16) % 2000;
        unsigned char *p = malloc(n);
        if (!p) { printf("FAIL threads: malloc returned NULL\n"); failures++; return NULL; }
        paint(p, n, (unsigned)n);
        // Hand every other block to the next thread; free one of the blocks handed to us.
        pthread_mutex_lock(&next->lock);
        if (i % 2 == 0 && next->tail - next->head < RING) {
            next->blocks[next->tail % RING] = p;
            next->sizes[next->tail % RING] = n;
            next->tail++;
            p = NULL;
        }
        pthread_mutex_unlock(&next->lock);
        if (p) { CHECK(intact(p, n, (unsigned)n), "own block intact"); free(p); }
        pthread_mutex_lock(&mine->lock);
        unsigned char *theirs = NULL;
        size_t size = 0;
        if (mine->head != mine->tail) {
            theirs = mine->blocks[mine->head % RING];
            size = mine->sizes[mine->head % RING];
            mine->head++;
        }
        pthread_mutex_unlock(&mine->lock);
        if (theirs) { CHECK(intact(theirs, size, (unsigned)size), "block from another thread intact"); free(theirs); }
    }
    return NULL;
}

static void threads(void) {
    pthread_t ids[THREADS];
    for (unsigned t = 0; t < THREADS; t++) pthread_mutex_init(&rings[t].lock, NULL);
    for (unsigned t = 0; t < THREADS; t++) pthread_create(&ids[t], NULL, stress_thread, (void *)(uintptr_t)t);
    for (unsigned t = 0; t < THREADS; t++) pthread_join(ids[t], NULL);
    for (unsigned t = 0; t < THREADS; t++) {
        while (rings[t].head != rings[t].tail) {
            unsigned k = rings[t].head++ % RING;
            CHECK(intact(rings[t].blocks[k], rings[t].sizes[k], (unsigned)rings[t].sizes[k]), "leftover block intact");
            free(rings[t].blocks[k]);
        }
    }
}

// MARK: - fork while other threads allocate: the child can allocate

static volatile bool stop_churn;

static void *churn(void *arg) {
    (void)arg;
    while (!stop_churn) {
        void *blocks[64];
        for (int i = 0; i < 64; i++) blocks[i] = malloc((size_t)(i * 100 + 1));
        for (int i = 0; i < 64; i++) free(blocks[i]);
        void *large = malloc(200000);
        free(large);
    }
    return NULL;
}

static void forks(void) {
    pthread_t ids[2];
    stop_churn = false;
    for (int t = 0; t < 2; t++) pthread_create(&ids[t], NULL, churn, NULL);
    for (int round = 0; round < 100; round++) {
        pid_t child = fork();
        if (child == 0) {
            // A deadlocked child is killed by the alarm and reported as such below.
            alarm(10);
            for (int i = 0; i < 1000; i++) free(malloc((size_t)(i * 37 % 70000) + 1));
            char *text = malloc(31);
            if (text) strcpy(text, "the child allocates after fork");
            _exit(text && strlen(text) == 30 ? 0 : 3);
        }
        int status = 0;
        waitpid(child, &status, 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "round %d: child status %d (signal %d)", round,
              WIFEXITED(status) ? WEXITSTATUS(status) : -1, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    }
    stop_churn = true;
    for (int t = 0; t < 2; t++) pthread_join(ids[t], NULL);
}

// MARK: - A process whose last thread calls pthread_exit ends, with status 0

static void *pause_then_end(void *arg) {
    (void)arg;
    usleep(50 * 1000);
    return NULL;
}

/// glibc ends a process when its last thread ends (exit(0)), even if main called pthread_exit.
/// A preloaded allocator's background thread must not keep it alive: the child below allocates
/// enough (8 MiB) for GoAlloc to start its scavenger, then main calls pthread_exit, alone or with
/// one more thread still running.
static void pthread_exits(void) {
    for (int with_thread = 0; with_thread < 2; with_thread++) {
        pid_t child = fork();
        if (child == 0) {
            alarm(5); // a process that never ends is killed, and reported below
            void *blocks[64];
            for (int i = 0; i < 64; i++) blocks[i] = malloc(128 * 1024);
            for (int i = 0; i < 64; i++) free(blocks[i]);
            void *big = malloc(8 << 20);
            memset(big, 1, 8 << 20);
            free(big);
            pthread_t id;
            if (with_thread) pthread_create(&id, NULL, pause_then_end, NULL);
            pthread_exit(NULL);
        }
        int status = 0;
        waitpid(child, &status, 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "main called pthread_exit%s: status %d, signal %d%s",
              with_thread ? " with a thread left" : "", WIFEXITED(status) ? WEXITSTATUS(status) : -1,
              WIFSIGNALED(status) ? WTERMSIG(status) : 0,
              WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM ? " (still running after 5 s)" : "");
    }
}

// MARK: - Misuse of small blocks stops the process at the call, as glibc's tcache does

static void __attribute__((noinline)) double_free_small(void) {
    char *p = malloc_(48);
    free_(p);
    free_(p);
}

static void __attribute__((noinline)) interior_free_small(void) {
    char *p = malloc_(64);
    free_(p + 8);
}

static void misuse(void) {
    static const struct { const char *name; void (*run)(void); } cases[] = {
        {"free(p); free(p) of a 48-byte block", double_free_small},
        {"free(p + 8) of a 64-byte block", interior_free_small},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        pid_t child = fork();
        if (child == 0) {
            int null = open("/dev/null", O_WRONLY); // the allocator's message is not this test's output
            dup2(null, 2);
            cases[c].run();
            _exit(0);
        }
        int status = 0;
        waitpid(child, &status, 0);
        CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, "%s: not stopped at the call (status %d, signal %d)",
              cases[c].name, WIFEXITED(status) ? WEXITSTATUS(status) : -1, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    }
}

// MARK: - Threads that exit return their caches (GoAlloc only: read through its MemStats)

typedef goalloc_read_memstats_fn read_memstats_fn;

static read_memstats_fn goalloc_stats(void) { return (read_memstats_fn)dlsym(RTLD_DEFAULT, "goalloc_read_memstats"); }

static void *short_lived(void *arg) {
    (void)arg;
    void *blocks[100];
    for (int i = 0; i < 100; i++) blocks[i] = malloc((size_t)(i * 50 + 8));
    for (int i = 0; i < 100; i++) free(blocks[i]);
    return NULL;
}

static void thread_exits(void) {
    read_memstats_fn read = goalloc_stats();
    struct goalloc_memstats before, after;
    if (read) read(&before);
    for (int round = 0; round < 300; round++) {
        pthread_t id;
        pthread_create(&id, NULL, short_lived, NULL);
        pthread_join(id, NULL);
    }
    if (!read) return;
    read(&after);
    // Each of the 300 threads had a cache; every one went back before pthread_join returned
    // (key destructors run before a thread ends), and glibc's frees after that made none.
    CHECK(after.mcache_inuse == before.mcache_inuse, "MCacheInuse after 300 thread exits: %llu, before %llu",
          (unsigned long long)after.mcache_inuse, (unsigned long long)before.mcache_inuse);
}

// MARK: - The process really runs on GoAlloc

static void goalloc_is_malloc(void) {
    read_memstats_fn read = goalloc_stats();
    CHECK(read != NULL, "goalloc_read_memstats is exported (is libgoalloc.so preloaded?)");
    if (!read) return;
    struct goalloc_memstats before, after;
    read(&before);
    void *blocks[10];
    for (int i = 0; i < 10; i++) blocks[i] = malloc(80);
    read(&after);
    CHECK(after.mallocs - before.mallocs >= 10, "10 mallocs show in MemStats.Mallocs (%llu)",
          (unsigned long long)(after.mallocs - before.mallocs));
    for (int i = 0; i < 10; i++) free(blocks[i]);
    CHECK(after.heap_alloc <= after.heap_inuse && after.heap_inuse <= after.heap_sys, "MemStats invariants");
}

int main(int argc, char **argv) {
    static const struct { const char *name; void (*run)(void); } groups[] = {
        {"zero", zero_sizes}, {"huge", huge_sizes}, {"alignment", alignments}, {"realloc", reallocs},
        {"usable", usable_sizes}, {"threads", threads}, {"fork", forks}, {"thread-exit", thread_exits},
        {"pthread-exit", pthread_exits}, {"misuse", misuse}, {"goalloc", goalloc_is_malloc},
    };
    if (argc < 2) {
        fprintf(stderr, "usage: malloc-conformance GROUP... (zero huge alignment realloc usable threads fork "
                        "thread-exit pthread-exit misuse goalloc)\n");
        return 2;
    }
    for (int a = 1; a < argc; a++) {
        bool known = false;
        for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
            if (strcmp(argv[a], groups[g].name) != 0) continue;
            known = true;
            group = groups[g].name;
            int before = failures;
            groups[g].run();
            if (failures == before) printf("ok %s\n", group);
        }
        if (!known) {
            fprintf(stderr, "malloc-conformance: unknown group '%s'\n", argv[a]);
            return 2;
        }
    }
    return failures ? 1 : 0;
}
