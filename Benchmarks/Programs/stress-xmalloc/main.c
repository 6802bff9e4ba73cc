// stress-xmalloc: blocks allocated in one thread and freed in another, in the manner of
// xmalloc-test.
//
//   stress-xmalloc THREADS
//
// THREADS producer/consumer pairs (so 2 x THREADS threads). Each producer allocates batches of
// BATCH blocks of 16-512 bytes (the batch itself is allocated too), stamps every block, and passes
// the batch through a bounded queue (QUEUE batches) to its consumer, which checks every block and
// frees the blocks and the batch. So every block is freed by a thread other than the one that
// allocated it, at every thread count. The BATCHES batches are dealt to the pairs in turn.
//
// The stamps (first and last 8 bytes of each block) are summed into a checksum that depends only
// on the batches' fixed random sequences, not on THREADS or on how the threads interleaved, so the
// output is the same under every allocator and at every thread count. A wrong stamp or a failed
// malloc is reported on stderr and the exit status is 1.
//
// Malloc calls: BATCHES * (BATCH + 1) = 500,000 * 65 = 32,500,000.
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../stress.h"

enum {
    BATCHES = 500000,
    BATCH = 64,
    QUEUE = 32,
    MIN_SIZE = 16,
    MAX_SIZE = 512,
    MAX_THREADS = 512,
};

typedef struct {
    uint32_t index;
    uint32_t size[BATCH];
    unsigned char *block[BATCH];
} Batch;

typedef struct {
    _Alignas(128) pthread_mutex_t lock;
    pthread_cond_t not_empty;
    pthread_cond_t not_full;
    Batch *ring[QUEUE];
    unsigned head, count;
} Queue;

typedef struct {
    pthread_t producer, consumer;
    int index;
    int threads;
    Queue queue;
    uint64_t checksum;
    uint64_t errors;
    uint64_t produce_errors;
} Pair;

static uint64_t stamp_of(uint32_t batch, int i, uint32_t size) {
    return ((uint64_t)batch << 20) ^ ((uint64_t)i << 10) ^ size ^ 0x5a5a000000000000ull;
}

// A full queue wakes its producer again only when half empty, an empty one its consumer only when
// half full (or when the producer has pushed its last batch), so the two threads do not wake each
// other for every batch.
static void push(Queue *q, Batch *b, int last) {
    pthread_mutex_lock(&q->lock);
    while (q->count == QUEUE) pthread_cond_wait(&q->not_full, &q->lock);
    q->ring[(q->head + q->count) % QUEUE] = b;
    q->count++;
    if (q->count == QUEUE / 2 || last) pthread_cond_signal(&q->not_empty);
    pthread_mutex_unlock(&q->lock);
}

static Batch *pop(Queue *q) {
    pthread_mutex_lock(&q->lock);
    while (q->count == 0) pthread_cond_wait(&q->not_empty, &q->lock);
    Batch *b = q->ring[q->head];
    q->head = (q->head + 1) % QUEUE;
    q->count--;
    if (q->count == QUEUE / 2) pthread_cond_signal(&q->not_full);
    pthread_mutex_unlock(&q->lock);
    return b;
}

static uint32_t batches_of(const Pair *p) {
    return (uint32_t)((BATCHES - p->index + p->threads - 1) / p->threads);
}

static void *produce(void *arg) {
    Pair *p = arg;
    for (uint32_t n = (uint32_t)p->index; n < BATCHES; n += (uint32_t)p->threads) {
        Batch *b = malloc(sizeof *b);
        if (b == NULL) {
            p->produce_errors++;
            push(&p->queue, NULL, n + (uint32_t)p->threads >= BATCHES); // one item per batch still
            continue;
        }
        b->index = n;
        uint64_t rng = n;
        for (int i = 0; i < BATCH; i++) {
            uint32_t size = MIN_SIZE + (uint32_t)(splitmix(&rng) % (MAX_SIZE - MIN_SIZE + 1));
            unsigned char *block = malloc(size);
            if (block == NULL) {
                p->produce_errors++;
                size = 0;
            } else {
                uint64_t stamp = stamp_of(n, i, size);
                memcpy(block, &stamp, 8);
                memcpy(block + size - 8, &stamp, 8);
            }
            b->block[i] = block;
            b->size[i] = size;
        }
        push(&p->queue, b, n + (uint32_t)p->threads >= BATCHES);
    }
    return NULL;
}

static void *consume(void *arg) {
    Pair *p = arg;
    uint32_t expected = batches_of(p);
    for (uint32_t k = 0; k < expected; k++) {
        Batch *b = pop(&p->queue);
        if (b == NULL) continue;
        for (int i = 0; i < BATCH; i++) {
            unsigned char *block = b->block[i];
            if (block == NULL) continue;
            uint64_t stamp = stamp_of(b->index, i, b->size[i]), first, last;
            memcpy(&first, block, 8);
            memcpy(&last, block + b->size[i] - 8, 8);
            if (first == stamp && last == stamp) {
                p->checksum += stamp * 0x9e3779b97f4a7c15ull;
            } else {
                p->errors++;
            }
            free(block);
        }
        free(b);
    }
    return NULL;
}

int main(int argc, char **argv) {
    int threads = stress_threads(argc, argv, "stress-xmalloc", MAX_THREADS);
    if (threads < 0) return 2;
    // Each pair on cache lines of its own (Queue is aligned to 128 bytes).
    Pair *pairs = aligned_alloc(_Alignof(Pair), (size_t)threads * sizeof *pairs);
    if (pairs == NULL) return 1;
    memset(pairs, 0, (size_t)threads * sizeof *pairs);
    for (int t = 0; t < threads; t++) {
        Pair *p = &pairs[t];
        p->index = t;
        p->threads = threads;
        pthread_mutex_init(&p->queue.lock, NULL);
        pthread_cond_init(&p->queue.not_empty, NULL);
        pthread_cond_init(&p->queue.not_full, NULL);
        if (pthread_create(&p->consumer, NULL, consume, p) != 0 ||
            pthread_create(&p->producer, NULL, produce, p) != 0) {
            fprintf(stderr, "stress-xmalloc: pthread_create failed\n");
            return 1;
        }
    }
    uint64_t checksum = 0, errors = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(pairs[t].producer, NULL);
        pthread_join(pairs[t].consumer, NULL);
        checksum += pairs[t].checksum;
        errors += pairs[t].errors + pairs[t].produce_errors;
    }
    free(pairs);
    printf("xmalloc: %d batches of %d blocks passed between threads, checksum %016llx\n",
           BATCHES, BATCH, (unsigned long long)checksum);
    if (errors != 0) {
        fprintf(stderr, "stress-xmalloc: %llu bad blocks (stamp overwritten or malloc failed)\n",
                (unsigned long long)errors);
        return 1;
    }
    return 0;
}
