// stress-rptest: random sizes, scattered replacement and cross-thread frees, in the manner of
// rpmalloc's benchmark (rptest), from its published description.
//
//   stress-rptest THREADS
//
// LANES lanes, dealt to the threads round robin, each with SLOTS slots of blocks whose sizes fall
// off linearly from MIN_SIZE to MAX_SIZE (small ones most likely). LOOPS times, every lane in
// turn: takes the batches other lanes handed it and frees them (the cross-thread frees), frees
// OPS blocks at scattered slots, allocates OPS blocks at scattered slots (freeing whatever a slot
// still holds), and every CROSS_RATE-th loop allocates a batch of OPS blocks and hands it to the
// next lane, which another thread works when there are several. The threads keep step loop by
// loop (a barrier), so a handed batch is freed while its maker goes on allocating.
//
// Every block is stamped in its first and last 8 bytes, checked before it is freed; the stamps are
// summed, and the sum depends only on the lanes' fixed random sequences (not on THREADS or on which
// thread freed what), so the output is the same under every allocator and at every thread count.
// A wrong stamp or a failed malloc is reported on stderr and the exit status is 1.
//
// Malloc calls: LANES * (SLOTS + LOOPS * OPS + LOOPS / CROSS_RATE * (OPS + 1)) = 4,832,000.
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../stress.h"

enum {
    LANES = 16,
    SLOTS = 1000,
    LOOPS = 2000,
    OPS = 100,
    CROSS_RATE = 2,
    MIN_SIZE = 8,
    MAX_SIZE = 16000,
    MAX_THREADS = 1024,
};

/// A batch of blocks handed from one lane to the next.
typedef struct Batch {
    struct Batch *next;
    unsigned char *block[OPS];
    uint32_t size[OPS];
    uint64_t stamp[OPS];
} Batch;

typedef struct {
    uint64_t rng;
    uint64_t serial;
    uint64_t checksum;
    uint64_t errors;
    unsigned char *block[SLOTS];
    uint32_t size[SLOTS];
    uint64_t stamp[SLOTS];
    pthread_mutex_t lock; // guards inbox
    Batch *inbox;
} Lane;

typedef struct {
    pthread_t thread;
    int index;
    int threads;
} Worker;

static Lane lanes[LANES];
static pthread_barrier_t step;

/// A size in [MIN_SIZE, MAX_SIZE] whose probability falls off linearly with the size: the
/// smaller of two uniform draws has the density 2(1 - x).
static uint32_t next_size(Lane *lane) {
    uint64_t a = splitmix(&lane->rng) % (MAX_SIZE - MIN_SIZE + 1), b = splitmix(&lane->rng) % (MAX_SIZE - MIN_SIZE + 1);
    return MIN_SIZE + (uint32_t)(a < b ? a : b);
}

static unsigned char *make(Lane *lane, int lane_index, uint32_t size, uint64_t *stamp) {
    unsigned char *p = malloc(size);
    if (p == NULL) {
        lane->errors++;
        return NULL;
    }
    *stamp = ((uint64_t)lane_index << 56) ^ (++lane->serial * 0x9e3779b97f4a7c15ull) ^ size;
    memcpy(p, stamp, 8);
    if (size >= 16) memcpy(p + size - 8, stamp, 8);
    return p;
}

/// Checks a block's stamps, adds the stamp to `lane`'s sum and frees it.
static void unmake(Lane *lane, unsigned char *p, uint32_t size, uint64_t stamp) {
    if (p == NULL) return;
    uint64_t first, last = stamp;
    memcpy(&first, p, 8);
    if (size >= 16) memcpy(&last, p + size - 8, 8);
    if (first == stamp && last == stamp) lane->checksum += stamp; else lane->errors++;
    free(p);
}

static void drain(Lane *lane) {
    pthread_mutex_lock(&lane->lock);
    Batch *batch = lane->inbox;
    lane->inbox = NULL;
    pthread_mutex_unlock(&lane->lock);
    while (batch) {
        Batch *next = batch->next;
        for (int i = 0; i < OPS; i++) unmake(lane, batch->block[i], batch->size[i], batch->stamp[i]);
        free(batch);
        batch = next;
    }
}

static void loop_once(int l, int loop) {
    Lane *lane = &lanes[l];
    drain(lane);
    for (int i = 0; i < OPS; i++) {
        int slot = (int)(splitmix(&lane->rng) % SLOTS);
        unmake(lane, lane->block[slot], lane->size[slot], lane->stamp[slot]);
        lane->block[slot] = NULL;
    }
    for (int i = 0; i < OPS; i++) {
        int slot = (int)(splitmix(&lane->rng) % SLOTS);
        unmake(lane, lane->block[slot], lane->size[slot], lane->stamp[slot]);
        lane->size[slot] = next_size(lane);
        lane->block[slot] = make(lane, l, lane->size[slot], &lane->stamp[slot]);
    }
    if (loop % CROSS_RATE != 0) return;
    Batch *batch = malloc(sizeof *batch);
    if (batch == NULL) {
        lane->errors++;
        return;
    }
    for (int i = 0; i < OPS; i++) {
        batch->size[i] = next_size(lane);
        batch->block[i] = make(lane, l, batch->size[i], &batch->stamp[i]);
    }
    Lane *to = &lanes[(l + 1) % LANES];
    pthread_mutex_lock(&to->lock);
    batch->next = to->inbox;
    to->inbox = batch;
    pthread_mutex_unlock(&to->lock);
}

static void *work(void *arg) {
    const Worker *w = arg;
    for (int loop = 0; loop < LOOPS; loop++) {
        for (int l = w->index; l < LANES; l += w->threads) loop_once(l, loop);
        pthread_barrier_wait(&step);
    }
    return NULL;
}

int main(int argc, char **argv) {
    int threads = stress_threads(argc, argv, "stress-rptest", MAX_THREADS);
    if (threads < 0) return 2;
    static Worker workers[MAX_THREADS];
    pthread_barrier_init(&step, NULL, (unsigned)threads);
    for (int l = 0; l < LANES; l++) {
        lanes[l].rng = 0x7e57ull + (uint64_t)l * 0x1000193ull;
        pthread_mutex_init(&lanes[l].lock, NULL);
        for (int s = 0; s < SLOTS; s++) {
            lanes[l].size[s] = next_size(&lanes[l]);
            lanes[l].block[s] = make(&lanes[l], l, lanes[l].size[s], &lanes[l].stamp[s]);
        }
    }
    for (int t = 0; t < threads; t++) {
        workers[t] = (Worker){.index = t, .threads = threads};
        if (pthread_create(&workers[t].thread, NULL, work, &workers[t]) != 0) {
            fprintf(stderr, "stress-rptest: pthread_create failed\n");
            return 1;
        }
    }
    for (int t = 0; t < threads; t++) pthread_join(workers[t].thread, NULL);
    uint64_t checksum = 0, errors = 0, made = 0;
    for (int l = 0; l < LANES; l++) {
        drain(&lanes[l]);
        for (int s = 0; s < SLOTS; s++) unmake(&lanes[l], lanes[l].block[s], lanes[l].size[s], lanes[l].stamp[s]);
        checksum += lanes[l].checksum;
        errors += lanes[l].errors;
        made += lanes[l].serial;
    }
    printf("rptest: %d lanes x %d slots, %d loops of %d frees and %d mallocs, a batch of %d handed on every %d loops; "
           "%llu blocks, checksum %016llx\n", LANES, SLOTS, LOOPS, OPS, OPS, OPS, CROSS_RATE,
           (unsigned long long)made, (unsigned long long)checksum);
    if (errors != 0) {
        fprintf(stderr, "stress-rptest: %llu bad blocks (stamp overwritten or malloc failed)\n", (unsigned long long)errors);
        return 1;
    }
    return 0;
}
