#!/usr/bin/env bash
# What finding the pages written since the last collection costs on this kernel, without compiler
# write barriers: the price a generational go-gc would pay every cycle (issue #28, item 3;
# docs/goalloc.md, "A generational collector: what finding written pages costs").
#
# A 32 MiB anonymous region stands for the heap (8,192 pages, all touched first). Each cycle
# re-arms the tracking, then the "mutator" writes one word in W of the pages, then the collector
# asks which pages were written. Three ways, each timed per cycle (median of 20 cycles):
#   soft-dirty:   write "4" to /proc/self/clear_refs (the whole process), read /proc/self/pagemap
#   mprotect:     mprotect the region read-only; a SIGSEGV handler records the page and unprotects it
#   pagemap-scan: userfaultfd write-protect in async mode (Linux 6.7+), then PAGEMAP_SCAN, which
#                 returns the written pages and protects them again in one call
#   unprotected:  the same, with each 2-page span that is about to be written unprotected first
#                 (UFFDIO_WRITEPROTECT), as an allocator would for the spans it fills with new objects
# beside the same writes untracked. Prints one line per method and W: re-arm, writes, scan, and
# the extra cost per written page.
#
# Usage: scripts/write-tracking-cost.sh   (needs clang or cc, root or vm.unprivileged_userfaultfd=1
# for pagemap-scan; x86-64 Linux)
set -euo pipefail
compiler=$(command -v clang || command -v cc)
work=$(mktemp -d /tmp/write-tracking.XXXXXX)
trap 'rm -rf "$work"' EXIT
cat > "$work/tracking.c" <<'C'
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

// PAGEMAP_SCAN and asynchronous write-protect came after the kernel headers Debian 12 ships
// (Linux 6.7 ABI, include/uapi/linux/fs.h and userfaultfd.h).
struct page_region { uint64_t start, end, categories; };
struct pm_scan_arg {
    uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
    uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};
#define PM_SCAN_WP_MATCHING (1 << 0)
#define PM_SCAN_CHECK_WPASYNC (1 << 1)
#define PAGE_IS_WRITTEN (1 << 1)
#define PAGEMAP_SCAN _IOWR('f', 16, struct pm_scan_arg)
#ifndef UFFD_FEATURE_WP_ASYNC
#define UFFD_FEATURE_WP_ASYNC (1 << 15)
#endif
#ifndef UFFD_FEATURE_WP_UNPOPULATED
#define UFFD_FEATURE_WP_UNPOPULATED (1 << 13)
#endif

enum { PAGES = 8192, CYCLES = 20 };
static long page;
static char *region;
static uint64_t now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1000000000ull + t.tv_nsec; }
static int cmp(const void *a, const void *b) { uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b; return x < y ? -1 : x > y; }
static uint64_t median(uint64_t *v) { qsort(v, CYCLES, sizeof *v, cmp); return v[CYCLES / 2]; }

// The pages the mutator writes in a cycle: every (PAGES / w)-th, a word each.
static void mutate(int w) { for (int i = 0; i < w; i++) region[(size_t)i * (PAGES / w) * page] += 1; }

static volatile int recorded;
static void on_fault(int sig, siginfo_t *info, void *context) {
    (void)sig; (void)context;
    char *at = (char *)((uintptr_t)info->si_addr & ~(uintptr_t)(page - 1));
    mprotect(at, page, PROT_READ | PROT_WRITE);
    recorded++;
}

static void report(const char *method, int w, uint64_t *arm, uint64_t *writes, uint64_t *scan, uint64_t base, long found) {
    uint64_t a = median(arm), m = median(writes), s = median(scan);
    double extra = ((double)a + (double)m + (double)s - (double)base) / w;
    printf("%-12s W=%5d pages: re-arm %8.1f us, writes %8.1f us (untracked %6.1f), scan %8.1f us; %6.2f us per written page; found %ld\n",
           method, w, a / 1e3, m / 1e3, base / 1e3, s / 1e3, extra / 1e3, found);
}

int main(void) {
    page = sysconf(_SC_PAGESIZE);
    region = mmap(NULL, (size_t)PAGES * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(region, 1, (size_t)PAGES * page);
    int widths[] = { PAGES / 64, PAGES / 8, PAGES };
    uint64_t arm[CYCLES], writes[CYCLES], scan[CYCLES];
    for (int k = 0; k < 3; k++) {
        int w = widths[k];
        // Untracked: the writes alone.
        for (int c = 0; c < CYCLES; c++) { uint64_t t = now(); mutate(w); writes[c] = now() - t; }
        uint64_t base = median(writes);

        // soft-dirty
        int clear = open("/proc/self/clear_refs", O_WRONLY), map = open("/proc/self/pagemap", O_RDONLY);
        static uint64_t entries[PAGES];
        long found = 0;
        for (int c = 0; c < CYCLES; c++) {
            uint64_t t0 = now();
            if (write(clear, "4", 1) != 1) { perror("clear_refs"); return 1; }
            uint64_t t1 = now(); mutate(w); uint64_t t2 = now();
            off_t offset = (off_t)((uintptr_t)region / page) * 8;
            if (pread(map, entries, sizeof entries, offset) != (ssize_t)sizeof entries) { perror("pagemap"); return 1; }
            found = 0;
            for (int i = 0; i < PAGES; i++) found += (entries[i] >> 55) & 1;
            uint64_t t3 = now();
            arm[c] = t1 - t0; writes[c] = t2 - t1; scan[c] = t3 - t2;
        }
        close(clear); close(map);
        if (found == 0) printf("soft-dirty   W=%5d pages: no page read as written: this kernel keeps no soft-dirty bits (CONFIG_MEM_SOFT_DIRTY off)\n", w);
        else report("soft-dirty", w, arm, writes, scan, base, found);

        // mprotect
        struct sigaction action = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO };
        sigaction(SIGSEGV, &action, NULL);
        for (int c = 0; c < CYCLES; c++) {
            recorded = 0;
            uint64_t t0 = now();
            mprotect(region, (size_t)PAGES * page, PROT_READ);
            uint64_t t1 = now(); mutate(w); uint64_t t2 = now();
            arm[c] = t1 - t0; writes[c] = t2 - t1; scan[c] = 0;
        }
        mprotect(region, (size_t)PAGES * page, PROT_READ | PROT_WRITE);
        signal(SIGSEGV, SIG_DFL);
        report("mprotect", w, arm, writes, scan, base, recorded);

        // userfaultfd async write-protect + PAGEMAP_SCAN
        int uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
        struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_UNPOPULATED };
        struct uffdio_register reg = { .range = { (uintptr_t)region, (uint64_t)PAGES * page }, .mode = UFFDIO_REGISTER_MODE_WP };
        if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api) || ioctl(uffd, UFFDIO_REGISTER, &reg)) {
            printf("pagemap-scan W=%5d pages: unavailable (%s)\n", w, strerror(errno));
            if (uffd >= 0) close(uffd);
            continue;
        }
        map = open("/proc/self/pagemap", O_RDONLY);
        static struct page_region vec[PAGES];
        struct pm_scan_arg arg = { .size = sizeof arg, .flags = PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC,
            .start = (uintptr_t)region, .end = (uintptr_t)region + (uint64_t)PAGES * page, .vec = (uintptr_t)vec,
            .vec_len = PAGES, .category_mask = PAGE_IS_WRITTEN, .return_mask = PAGE_IS_WRITTEN };
        if (ioctl(map, PAGEMAP_SCAN, &arg) < 0) { printf("pagemap-scan W=%5d pages: unavailable (%s)\n", w, strerror(errno)); close(map); close(uffd); continue; }
        for (int c = 0; c < CYCLES; c++) {
            uint64_t t1 = now(); mutate(w); uint64_t t2 = now();
            long regions = ioctl(map, PAGEMAP_SCAN, &arg); // the written pages, protected again
            uint64_t t3 = now();
            if (regions < 0) { perror("PAGEMAP_SCAN"); return 1; }
            found = 0;
            for (long r = 0; r < regions; r++) found += (long)((vec[r].end - vec[r].start) / page);
            arm[c] = 0; writes[c] = t2 - t1; scan[c] = t3 - t2;
        }
        report("pagemap-scan", w, arm, writes, scan, base, found);

        // The same, with the pages about to be written (new objects in a span a cache takes)
        // unprotected first, one UFFDIO_WRITEPROTECT call per span of 2 pages, so that they do not
        // fault: the cost a generational go-gc would pay for its young pages.
        for (int c = 0; c < CYCLES; c++) {
            uint64_t t0 = now();
            int stride = PAGES / w; // written pages lie this far apart: a span of 2 holds one, or two when adjacent
            for (int i = 0; i < w; i += stride == 1 ? 2 : 1) {
                struct uffdio_writeprotect unprotect = {
                    .range = { (uintptr_t)region + (uint64_t)i * stride * page, 2 * (uint64_t)page }, .mode = 0 };
                if (ioctl(uffd, UFFDIO_WRITEPROTECT, &unprotect)) { perror("UFFDIO_WRITEPROTECT"); return 1; }
            }
            uint64_t t1 = now(); mutate(w); uint64_t t2 = now();
            long regions = ioctl(map, PAGEMAP_SCAN, &arg);
            uint64_t t3 = now();
            if (regions < 0) { perror("PAGEMAP_SCAN"); return 1; }
            arm[c] = t1 - t0; writes[c] = t2 - t1; scan[c] = t3 - t2;
        }
        close(map); close(uffd);
        report("unprotected", w, arm, writes, scan, base, 0);
    }
    return 0;
}
C
"$compiler" -O2 -o "$work/tracking" "$work/tracking.c"
"$work/tracking"
