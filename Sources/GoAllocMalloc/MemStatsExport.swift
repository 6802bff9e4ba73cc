import CGoAlloc
import GoAlloc

/// Fills `stats` with GoAlloc's runtime.MemStats (Go 1.19's fields, in the C layout of
/// `struct goalloc_memstats` in GoAllocABI.h, target CGoAllocABI). A program running with libgoalloc.so preloaded finds
/// this with `dlsym(RTLD_DEFAULT, "goalloc_read_memstats")`; that it is found at all tells the
/// program that GoAlloc is its malloc.
@_cdecl("goalloc_read_memstats")
public func goalloc_read_memstats(_ stats: UnsafeMutablePointer<goalloc_memstats>) {
    GoAlloc.readMemStats(into: stats)
}
