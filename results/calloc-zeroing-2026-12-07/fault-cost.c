// What a first-touch page fault costs on this VM: 5 rounds of 100,000 fresh anonymous pages (no
// huge pages), one byte written in each, timed. gcc -O2 -o fault-cost fault-cost.c
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>
int main(void) {
    size_t pages = 100000, size = pages * 4096;
    for (int round = 0; round < 5; round++) {
        char *p = mmap(0, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        madvise(p, size, MADV_NOHUGEPAGE);
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        for (size_t i = 0; i < pages; i++) p[i * 4096] = 1;
        clock_gettime(CLOCK_MONOTONIC, &b);
        printf("%.0f ns per fault\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / pages);
        munmap(p, size);
    }
    return 0;
}
