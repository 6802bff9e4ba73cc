// bench-launch: starts one run of a program cell and reports what it cost.
//
//     bench-launch REPORT PRELOAD -- PROGRAM [ARGUMENT...]
//
// bench's runner starts this small process instead of the program itself, for one reason: the
// peak RSS that wait4 reports for a child includes what its parent's memory was when the child
// was spawned (Linux keeps the larger of the old and the new image's high-water mark across
// exec), and the runner is a Swift process of tens of MiB. This launcher is a few hundred KiB,
// so the program's peak is the program's. It forks, sets LD_PRELOAD in the child only (the
// launcher itself runs on glibc whatever the cell's allocator), execs PROGRAM with the
// descriptors it was given, waits for it with wait4, and writes one line per figure to REPORT:
//
//     wall_ns N        from fork to the end of wait4, CLOCK_MONOTONIC
//     exit_status N    the program's exit status, or -1 when a signal ended it
//     signal N         the signal that ended it, or 0
//     maxrss_kb N      ru_maxrss: the largest resident set of the program and the children it waited for
//     minflt N, majflt N, nvcsw N, nivcsw N, utime_us N, stime_us N   the rest of its rusage
//
// The launcher exits 0 when REPORT is written, whatever the program did; 125 when it could not
// do its job (its message on standard error). The runner times out and kills the whole process
// group, which the launcher leads.
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static int64_t microseconds(struct timeval t) { return (int64_t)t.tv_sec * 1000000 + t.tv_usec; }

int main(int argc, char **argv) {
    if (argc < 5 || strcmp(argv[3], "--") != 0) {
        fprintf(stderr, "usage: bench-launch REPORT PRELOAD -- PROGRAM [ARGUMENT...]\n");
        return 125;
    }
    const char *report = argv[1], *preload = argv[2];
    // The runner's death ends the run: its process group is forwarded SIGTERM, and this covers SIGKILL.
    prctl(PR_SET_PDEATHSIG, SIGKILL);

    uint64_t start = now_ns();
    pid_t child = fork();
    if (child < 0) {
        fprintf(stderr, "bench-launch: fork: %s\n", strerror(errno));
        return 125;
    }
    if (child == 0) {
        if (*preload) setenv("LD_PRELOAD", preload, 1); else unsetenv("LD_PRELOAD");
        execv(argv[4], &argv[4]);
        fprintf(stderr, "bench-launch: cannot run %s: %s\n", argv[4], strerror(errno));
        _exit(127);
    }
    int status = 0;
    struct rusage usage;
    while (wait4(child, &status, 0, &usage) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "bench-launch: wait4: %s\n", strerror(errno));
            return 125;
        }
    }
    uint64_t wall = now_ns() - start;

    FILE *out = fopen(report, "w");
    if (!out) {
        fprintf(stderr, "bench-launch: cannot write %s: %s\n", report, strerror(errno));
        return 125;
    }
    fprintf(out, "wall_ns %llu\n", (unsigned long long)wall);
    fprintf(out, "exit_status %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    fprintf(out, "signal %d\n", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    fprintf(out, "maxrss_kb %ld\n", usage.ru_maxrss);
    fprintf(out, "minflt %ld\nmajflt %ld\n", usage.ru_minflt, usage.ru_majflt);
    fprintf(out, "nvcsw %ld\nnivcsw %ld\n", usage.ru_nvcsw, usage.ru_nivcsw);
    fprintf(out, "utime_us %lld\nstime_us %lld\n", (long long)microseconds(usage.ru_utime),
            (long long)microseconds(usage.ru_stime));
    if (fclose(out) != 0) {
        fprintf(stderr, "bench-launch: cannot write %s: %s\n", report, strerror(errno));
        return 125;
    }
    return 0;
}
