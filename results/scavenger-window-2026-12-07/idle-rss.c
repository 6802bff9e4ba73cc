// What memory does after a program frees its heap and idles: 64 MiB in 64 KiB blocks, each
// written, all freed; then the resident set every 250 ms for 8 s (/proc/self/statm), printed as
// "seconds KiB" lines. Run under LD_PRELOAD with each allocator (idle-rss.sh).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long residentKiB(void) {
    long size = 0, resident = 0;
    FILE *statm = fopen("/proc/self/statm", "r");
    if (!statm || fscanf(statm, "%ld %ld", &size, &resident) != 2) { perror("statm"); exit(1); }
    fclose(statm);
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

int main(void) {
    enum { blocks = 1024, blockBytes = 64 << 10 };
    static void *live[blocks];
    for (int i = 0; i < blocks; i++) {
        live[i] = malloc(blockBytes);
        if (!live[i]) { perror("malloc"); return 1; }
        memset(live[i], i, blockBytes);
    }
    printf("peak %ld\n", residentKiB());
    for (int i = 0; i < blocks; i++) free(live[i]);
    struct timespec quarter = {0, 250000000};
    for (int tick = 0; tick <= 32; tick++) {
        printf("%.2f %ld\n", tick / 4.0, residentKiB());
        fflush(stdout);
        nanosleep(&quarter, NULL);
    }
    return 0;
}
