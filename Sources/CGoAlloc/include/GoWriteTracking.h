// Finding the pages a program wrote, for the collector's generational mode
// (Sources/GoAlloc/GC/Generational.swift tells how it is used): userfaultfd's asynchronous
// write-protect (Linux 6.7+), where a write to a protected page is let through by the kernel
// itself, which only clears the page's protection, and PAGEMAP_SCAN on /proc/self/pagemap, which
// reports the pages whose protection is gone and protects them again in the same call. No signal
// handler, no thread waiting on the descriptor. Nothing here allocates or takes a lock.
#ifndef GOALLOC_WRITE_TRACKING_H
#define GOALLOC_WRITE_TRACKING_H

#include <stdint.h>
#include "GoStopTheWorld.h"

/// One run of written pages, [start, end), as PAGEMAP_SCAN reports it (struct page_region).
struct goalloc_written_region {
    uint64_t start, end, categories;
};

/// How many regions one goalloc_wp_scan call reports at most.
#define GOALLOC_WP_REGIONS 256

/// Opens a userfaultfd for asynchronous write-protect, user-mode faults only (which unprivileged
/// processes may open whatever vm.unprivileged_userfaultfd says). Returns it, or -errno (ENOSYS,
/// EPERM, or EINVAL when the kernel lacks asynchronous write-protect).
GOALLOC_STW_HIDDEN int goalloc_wp_open(void);
/// Opens /proc/self/pagemap for PAGEMAP_SCAN; returns it or -errno.
GOALLOC_STW_HIDDEN int goalloc_wp_pagemap_open(void);
/// Registers [start, start + length) for write-protect tracking; 0 or an errno.
GOALLOC_STW_HIDDEN int goalloc_wp_register(int uffd, uint64_t start, uint64_t length);
/// Write-protects (`protect` non-zero) or unprotects [start, start + length); 0 or an errno.
GOALLOC_STW_HIDDEN int goalloc_wp_protect(int uffd, uint64_t start, uint64_t length, int protect);
/// The pages of [start, end) written since they were last protected, protected again as they are
/// reported: up to GOALLOC_WP_REGIONS runs of them in `regions`. Returns how many, or -errno;
/// `*next` is where the walk stopped (`end` once it covered the range).
GOALLOC_STW_HIDDEN long goalloc_wp_scan(int pagemap, uint64_t start, uint64_t end,
                                        struct goalloc_written_region *regions, uint64_t *next);
/// Closes a descriptor (a forked child's copy of its parent's userfaultfd).
GOALLOC_STW_HIDDEN void goalloc_wp_close(int fd);

#endif
