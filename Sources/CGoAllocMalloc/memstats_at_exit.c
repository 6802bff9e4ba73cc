// MemStats at exit, for program cells.
//
// A worker process reads GoAlloc's MemStats through goalloc_read_memstats while it runs; a
// program cell runs a program bench did not write, which never asks. With GOALLOC_MEMSTATS_OUT
// set to a folder, each process that preloads libgoalloc.so writes its MemStats there as it
// exits (after the program's own atexit handlers and destructors: a preloaded library is
// finalised last), as `struct goalloc_memstats` byte for byte, in a file named by its pid. The
// runner keeps the file of the process that allocated the most (a driver script's shell is not
// what a reader wants to see). A process that ends without exit() writes none.
#include "GoAllocABI.h" // struct goalloc_memstats (target CGoAllocABI)

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// The Swift definition (GoAllocMalloc/MemStatsExport.swift), exported by this library.
void goalloc_read_memstats(struct goalloc_memstats *stats);

__attribute__((destructor)) static void goalloc_write_memstats_at_exit(void) {
    const char *folder = getenv("GOALLOC_MEMSTATS_OUT");
    if (!folder || !*folder || strlen(folder) > 4000) return;
    // The path by hand: nothing here may allocate (this library is the process's malloc).
    char path[4096 + 32];
    size_t length = strlen(folder);
    memcpy(path, folder, length);
    char digits[20], *end = path + length;
    *end++ = '/';
    int count = 0;
    for (uint64_t pid = (uint64_t)getpid(); count == 0 || pid; pid /= 10) digits[count++] = (char)('0' + pid % 10);
    while (count) *end++ = digits[--count];
    *end = 0;
    static struct goalloc_memstats stats; // static: 6 KiB is a lot for a stack we did not size
    goalloc_read_memstats(&stats);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return;
    const char *bytes = (const char *)&stats;
    size_t left = sizeof stats;
    while (left > 0) {
        ssize_t written = write(fd, bytes, left);
        if (written <= 0) break;
        bytes += written;
        left -= (size_t)written;
    }
    close(fd);
}
