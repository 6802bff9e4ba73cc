// The line-handoffs tool's check (Tests/EndToEndTests/LineHandoffsTests.swift): the main thread
// allocates BLOCKS blocks of 4 KiB and fills them, a second thread frees them and then allocates
// BLOCKS blocks of 4 KiB and fills them. Prints how many of the second thread's blocks are blocks
// the main thread filled: each of those hands over 63 of its 64 lines (the first one the second
// thread wrote itself when it freed the block).
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { BLOCKS = 64, SIZE = 4096 };
static void *first[BLOCKS];
static int reused;

static void *second(void *unused) {
    (void)unused;
    for (int i = 0; i < BLOCKS; i++) free(first[i]);
    for (int i = 0; i < BLOCKS; i++) {
        void *block = malloc(SIZE);
        if (block == NULL) abort();
        memset(block, 2, SIZE);
        for (int j = 0; j < BLOCKS; j++) reused += block == first[j];
    }
    return NULL; // its blocks stay allocated: their lines are not written again
}

int main(void) {
    for (int i = 0; i < BLOCKS; i++) {
        first[i] = malloc(SIZE);
        if (first[i] == NULL) abort();
        memset(first[i], 1, SIZE);
    }
    pthread_t thread;
    if (pthread_create(&thread, NULL, second, NULL) != 0 || pthread_join(thread, NULL) != 0) return 1;
    fprintf(stderr, "reused %d\n", reused);
    return 0;
}
