// GoAlloc: Go's allocator in Swift. The design, and how this part fits in, is the essay at the top of
// Malloc.swift (as Go's malloc.go introduces its runtime allocator).

#if canImport(Glibc)
import Glibc
#endif

// The OS memory states of Go's Linux port (runtime/mem.go, mem_linux.go). A region of address
// space is in one of four states, and these functions move it between them:
//
//     None ──sysReserve──► Reserved ──sysMap──► Prepared ──sysUsed──► Ready
//       ▲                     ▲  └──sysFault◄──────┘  ▲                   │
//       └──────sysFree────────┴───────────────────────┴─────sysUnused◄────┘
//
// - None: not mapped at all.
// - Reserved: address space is ours (PROT_NONE), but touching it faults; counts in no statistic.
// - Prepared: readable and writable, but holds no physical memory (never touched, or returned with
//   MADV_DONTNEED). Counts in HeapSys and in HeapReleased.
// - Ready: in use; may hold physical memory. Counts in HeapSys only.
//
// On Linux sysUsed has nothing to do (a Prepared page becomes Ready by being touched), but the
// accounting moves with it, exactly as in Go. Metadata that is never returned (span structs,
// arena metadata, caches) is mapped Ready at once with sysAlloc and charged to its own statistic.
enum OSMemory {
    /// mmap's MAP_FAILED, spelled out: the Glibc overlay's MAP_FAILED is a computed property in
    /// another Swift library, a call the allocator's paths should not make.
    @inline(__always)
    static var mapFailed: UnsafeMutableRawPointer? { UnsafeMutableRawPointer(bitPattern: -1) }

    /// Reserves `size` bytes of address space (None -> Reserved), at `hint` if possible.
    static func sysReserve(_ size: Int, hint: UInt = 0) -> UInt? {
        let address = mmap(UnsafeMutableRawPointer(bitPattern: hint), size, PROT_NONE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
        guard let address, address != mapFailed else { return nil }
        return UInt(bitPattern: address)
    }

    /// Makes reserved memory usable (Reserved -> Prepared). False when the OS refuses.
    @discardableResult
    static func sysMap(_ address: UInt, _ size: Int) -> Bool {
        mmap(UnsafeMutableRawPointer(bitPattern: address), size, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != mapFailed
    }

    /// Prepared -> Ready. Linux gives physical pages on first touch, so there is nothing to do.
    static func sysUsed(_ address: UInt, _ size: Int) {}

    /// Returns the physical memory behind Ready pages to the OS (Ready -> Prepared); the pages read
    /// as zero when touched again.
    static func sysUnused(_ address: UInt, _ size: Int) {
        _ = madvise(UnsafeMutableRawPointer(bitPattern: address), size, MADV_DONTNEED)
    }

    /// Gives address space back (any state -> None).
    static func sysFree(_ address: UInt, _ size: Int) {
        _ = munmap(UnsafeMutableRawPointer(bitPattern: address), size)
    }

    /// Makes memory fault on access again (Prepared or Ready -> Reserved), to catch use of memory
    /// that should no longer be used.
    static func sysFault(_ address: UInt, _ size: Int) {
        _ = mmap(UnsafeMutableRawPointer(bitPattern: address), size, PROT_NONE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0)
    }

    /// Maps `size` zeroed bytes for metadata (None -> Ready) and charges them to `stat`.
    static func sysAlloc(_ size: Int, charging stat: inout UInt64) -> UnsafeMutableRawPointer {
        let address = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let address, address != mapFailed else { fatal("sysAlloc: out of memory (mmap failed)") }
        stat += UInt64(size)
        return address
    }

    /// Reserves `size` bytes aligned to `alignment` (a power of two), trimming the excess.
    static func sysReserveAligned(_ size: Int, alignment: Int, hint: UInt = 0) -> UInt? {
        if hint != 0, hint % UInt(alignment) == 0, let exact = sysReserve(size, hint: hint) {
            if exact == hint { return exact }
            sysFree(exact, size)
        }
        guard let raw = sysReserve(size + alignment) else { return nil }
        let aligned = (raw + UInt(alignment) - 1) & ~(UInt(alignment) - 1)
        if aligned > raw { sysFree(raw, Int(aligned - raw)) }
        let end = raw + UInt(size + alignment)
        if end > aligned + UInt(size) { sysFree(aligned + UInt(size), Int(end - aligned - UInt(size))) }
        return aligned
    }
}
