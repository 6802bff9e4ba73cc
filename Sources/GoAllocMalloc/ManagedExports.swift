import GoAlloc

// GoAlloc's garbage-collected heap, exported by libgoalloc.so for programs that run with it
// preloaded (allocator go-gc finds these with dlsym). Each is GoAlloc.Managed's function of the
// same meaning; see Sources/GoAlloc/GC/Managed.swift.

/// Allocates `size` zeroed bytes aligned to `alignment` in the managed heap; `noscan` non-zero
/// when the object holds no pointers. NULL when the request is invalid or memory cannot be had.
/// Never free the result: the collector does.
@_cdecl("goalloc_gc_alloc")
public func goalloc_gc_alloc(_ size: Int, _ alignment: Int, _ noscan: Int32) -> UnsafeMutableRawPointer? {
    GoAlloc.Managed.allocate(byteCount: size, alignment: alignment, noscan: noscan != 0)
}

/// Collects now (Go's runtime.GC).
@_cdecl("goalloc_gc_collect")
public func goalloc_gc_collect() {
    GoAlloc.Managed.collect()
}

/// Sets GOGC (negative: off) and returns the previous value (Go's debug.SetGCPercent).
@_cdecl("goalloc_gc_set_percent")
public func goalloc_gc_set_percent(_ percent: Int) -> Int {
    GoAlloc.Managed.setGCPercent(percent)
}

/// The collector's stop-the-world nanoseconds so far (MemStats.PauseTotalNs alone).
@_cdecl("goalloc_gc_pause_total_ns")
public func goalloc_gc_pause_total_ns() -> UInt64 {
    GoAlloc.Managed.pauseTotalNanoseconds
}

/// Registers the calling thread, so that its stack and registers are scanned from now on.
@_cdecl("goalloc_gc_register_thread")
public func goalloc_gc_register_thread() {
    GoAlloc.Managed.registerThread()
}

/// Registers `size` bytes at `base` as a root range.
@_cdecl("goalloc_gc_register_root")
public func goalloc_gc_register_root(_ base: UnsafeRawPointer, _ size: Int) {
    GoAlloc.Managed.registerRoot(base, byteCount: size)
}

/// Forgets the root range registered at `base`.
@_cdecl("goalloc_gc_unregister_root")
public func goalloc_gc_unregister_root(_ base: UnsafeRawPointer) {
    GoAlloc.Managed.unregisterRoot(base)
}
