// The allocation-site recorder's side of the interposer (sites.c): what interposer.c calls.
#ifndef BENCHCOUNT_SITES_H
#define BENCHCOUNT_SITES_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

/// Non-zero while sites are recorded (between benchcount_sites_record(1) and (0)).
extern atomic_int benchcount_sites_recording;

/// True on a thread while it records a site: the recorder's own allocations (glibc's
/// pthread_getattr_np allocates) are forwarded uncounted and unrecorded, so asking for a profile
/// never changes allocs/op.
bool benchcount_in_recorder(void);

/// Records the calling stack as the site of an allocation of `size` bytes. Call from the
/// malloc-family function the program called, directly, so that the stack starts at its caller.
void benchcount_record_site(size_t size);

#endif
