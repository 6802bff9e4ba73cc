// Write tracking with userfaultfd and PAGEMAP_SCAN (see GoWriteTracking.h).
#define _GNU_SOURCE
#include "GoWriteTracking.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

// PAGEMAP_SCAN and asynchronous write-protect came after the kernel headers Debian 12 ships: the
// Linux 6.7 ABI (include/uapi/linux/fs.h and userfaultfd.h), spelled out here.
struct goalloc_pm_scan_arg {
    uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
    uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};
#define GOALLOC_PM_SCAN_WP_MATCHING (1 << 0)
#define GOALLOC_PM_SCAN_CHECK_WPASYNC (1 << 1)
#define GOALLOC_PAGE_IS_WRITTEN (1 << 1)
#define GOALLOC_PAGEMAP_SCAN _IOWR('f', 16, struct goalloc_pm_scan_arg)
#define GOALLOC_UFFD_FEATURE_WP_UNPOPULATED (1 << 13)
#define GOALLOC_UFFD_FEATURE_WP_ASYNC (1 << 15)
#define GOALLOC_UFFD_USER_MODE_ONLY 1

int goalloc_wp_open(void) {
    int uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | GOALLOC_UFFD_USER_MODE_ONLY);
    if (uffd < 0) return -errno;
    struct uffdio_api api = {
        .api = UFFD_API, .features = GOALLOC_UFFD_FEATURE_WP_ASYNC | GOALLOC_UFFD_FEATURE_WP_UNPOPULATED
    };
    if (ioctl(uffd, UFFDIO_API, &api) != 0) {
        int error = errno;
        close(uffd);
        return -error;
    }
    return uffd;
}

int goalloc_wp_pagemap_open(void) {
    int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

int goalloc_wp_register(int uffd, uint64_t start, uint64_t length) {
    struct uffdio_register range = { .range = { start, length }, .mode = UFFDIO_REGISTER_MODE_WP };
    return ioctl(uffd, UFFDIO_REGISTER, &range) == 0 ? 0 : errno;
}

int goalloc_wp_protect(int uffd, uint64_t start, uint64_t length, int protect) {
    struct uffdio_writeprotect range = {
        .range = { start, length }, .mode = protect ? UFFDIO_WRITEPROTECT_MODE_WP : 0
    };
    return ioctl(uffd, UFFDIO_WRITEPROTECT, &range) == 0 ? 0 : errno;
}

long goalloc_wp_scan(int pagemap, uint64_t start, uint64_t end, struct goalloc_written_region *regions,
                     uint64_t *next) {
    struct goalloc_pm_scan_arg scan = {
        .size = sizeof scan, .flags = GOALLOC_PM_SCAN_WP_MATCHING | GOALLOC_PM_SCAN_CHECK_WPASYNC,
        .start = start, .end = end, .vec = (uint64_t)(uintptr_t)regions, .vec_len = GOALLOC_WP_REGIONS,
        .category_mask = GOALLOC_PAGE_IS_WRITTEN, .return_mask = GOALLOC_PAGE_IS_WRITTEN
    };
    long found = ioctl(pagemap, GOALLOC_PAGEMAP_SCAN, &scan);
    if (found < 0) return -errno;
    *next = scan.walk_end;
    return found;
}

void goalloc_wp_close(int fd) { close(fd); }
