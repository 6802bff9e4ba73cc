import CBenchKit
import CGoAllocABI
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The explicit allocation interface: allocate and free with a size and an alignment, on the
/// allocator selected for this process.
///
/// Workloads that manage memory by hand use this instead of `UnsafeMutablePointer.allocate`, so
/// that allocators which take sizes on free (jemalloc's `sdallocx`) get them.
///
///     let allocator = b.allocator
///     let p = allocator.allocate(Point.self)
///     p.initialize(to: Point(x: 1, y: 2))
///     allocator.deallocate(p)
///
/// Alignments up to 16 get the allocator's natural alignment (16 bytes for blocks of 16 bytes
/// or more on every allocator here); larger power-of-two alignments are honoured.
/// Allocation failure stops the process with a message: a benchmark cannot go on without memory.
public struct Allocator: @unchecked Sendable {
    @usableFromInline
    enum Backend {
        /// malloc/free through the process's symbol lookup, so whichever allocator is preloaded.
        case libc
        /// jemalloc's sized API.
        case jemalloc(mallocx: Jemalloc.Mallocx, sdallocx: Jemalloc.Sdallocx)
        /// GoAlloc's garbage-collected heap (allocator go-gc): nothing to free.
        case managed(ManagedHeap)
        /// Boehm's collected heap (allocator boehm): nothing to free.
        case boehm(BoehmRoots)
    }

    @usableFromInline let backend: Backend

    /// The interface for the allocator selected in this process.
    public init(for name: AllocatorName) {
        switch name {
        case .jemalloc:
            guard let mallocx = dlsym(nil, "mallocx"), let sdallocx = dlsym(nil, "sdallocx") else {
                fatalError("allocator jemalloc was selected, but mallocx/sdallocx are not loaded in this process")
            }
            backend = .jemalloc(mallocx: unsafeBitCast(mallocx, to: Jemalloc.Mallocx.self),
                                sdallocx: unsafeBitCast(sdallocx, to: Jemalloc.Sdallocx.self))
        case .goGC:
            backend = .managed(ManagedHeap())
        case .boehm:
            guard benchkit_boehm_start() != 0 else {
                fatalError("allocator boehm was selected, but libgc.so.1 (GC_malloc) is not loaded in this process")
            }
            backend = .boehm(BoehmRoots())
        default:
            backend = .libc
        }
    }

    /// Allocates `byteCount` bytes aligned to `alignment` (a power of two).
    @inlinable @inline(__always)
    public func allocate(byteCount: Int, alignment: Int = 16) -> UnsafeMutableRawPointer {
        allocate(byteCount: byteCount, alignment: alignment, holdsPointers: true)
    }

    /// Allocates `byteCount` bytes aligned to `alignment` (a power of two) that, when
    /// `holdsPointers` is false, will never hold a pointer to another block: under go-gc the
    /// collector then never scans them, as Go's never scans a `[]byte` (its noscan spans). The
    /// other allocators ignore it. A block declared pointer-free that does hold the only pointer
    /// to another block gets that block freed under go-gc.
    @inlinable @inline(__always)
    public func allocate(byteCount: Int, alignment: Int = 16, holdsPointers: Bool) -> UnsafeMutableRawPointer {
        let block: UnsafeMutableRawPointer?
        switch backend {
        case .libc:
            if alignment <= 16 {
                block = malloc(byteCount)
            } else {
                var aligned: UnsafeMutableRawPointer?
                block = posix_memalign(&aligned, alignment, byteCount) == 0 ? aligned : nil
            }
        case .jemalloc(let mallocx, _):
            block = mallocx(byteCount, Jemalloc.flags(alignment: alignment))
        case .managed(let heap):
            // Unless declared pointer-free, scanned conservatively: raw bytes may hold pointers
            // to other managed blocks.
            block = heap.allocate(byteCount, alignment, holdsPointers ? 0 : 1)
        case .boehm:
            block = benchkit_boehm_alloc(byteCount, alignment, holdsPointers ? 0 : 1)
        }
        guard let block else { Allocator.outOfMemory(byteCount) }
        return block
    }

    /// Frees a block from ``allocate(byteCount:alignment:)`` with the same size and alignment.
    @inlinable @inline(__always)
    public func deallocate(_ block: UnsafeMutableRawPointer, byteCount: Int, alignment: Int = 16) {
        switch backend {
        case .libc:
            free(block)
        case .jemalloc(_, let sdallocx):
            sdallocx(block, byteCount, Jemalloc.flags(alignment: alignment))
        case .managed, .boehm:
            break // the collector frees it once nothing reaches it
        }
    }

    /// Tells a collecting allocator (go-gc, boehm) that the `byteCount` bytes at `base`, memory it does
    /// not scan (from malloc, say), hold pointers to its blocks: blocks they point to stay alive
    /// until ``unregisterRoot(_:)``. A workload that keeps blocks from ``allocate(byteCount:alignment:)``
    /// only in such memory must register it, or the collector frees blocks it still uses. The
    /// other allocators free only on ``deallocate(_:byteCount:alignment:)`` and ignore this.
    public func registerRoot(_ base: UnsafeRawPointer, byteCount: Int) {
        switch backend {
        case .managed(let heap): heap.registerRoot(base, byteCount)
        case .boehm(let roots): roots.add(base, byteCount: byteCount)
        default: break
        }
    }

    /// Ends what ``registerRoot(_:byteCount:)`` began for the range at `base`.
    public func unregisterRoot(_ base: UnsafeRawPointer) {
        switch backend {
        case .managed(let heap): heap.unregisterRoot(base)
        case .boehm(let roots): roots.remove(base)
        default: break
        }
    }

    /// Makes a collecting allocator (go-gc, boehm) scan the calling thread's stack and registers from
    /// now on. Its first allocation does that too, but registering asks the C library for the
    /// thread's stack bounds, which allocates: a workload whose threads are created before the
    /// timer starts calls this there, so those allocations are not counted in its allocs/op.
    /// The other allocators ignore it.
    public func registerThread() {
        switch backend {
        case .managed(let heap): heap.registerThread()
        case .boehm: benchkit_boehm_register_thread()
        default: break
        }
    }

    /// The bytes usable in `block`, at least the size it was allocated with.
    @inlinable
    public func usableSize(of block: UnsafeMutableRawPointer) -> Int {
        malloc_usable_size(block)
    }

    /// Allocates uninitialised memory for `capacity` values of `type`.
    @inlinable @inline(__always)
    public func allocate<T>(_ type: T.Type, capacity: Int = 1) -> UnsafeMutablePointer<T> {
        allocate(byteCount: MemoryLayout<T>.stride * capacity, alignment: MemoryLayout<T>.alignment)
            .assumingMemoryBound(to: T.self)
    }

    /// Frees memory from ``allocate(_:capacity:)``; the values must already be deinitialised.
    @inlinable @inline(__always)
    public func deallocate<T>(_ pointer: UnsafeMutablePointer<T>, capacity: Int = 1) {
        deallocate(UnsafeMutableRawPointer(pointer), byteCount: MemoryLayout<T>.stride * capacity,
                   alignment: MemoryLayout<T>.alignment)
    }

    @usableFromInline
    static func outOfMemory(_ byteCount: Int) -> Never {
        fatalError("out of memory: the allocator could not provide \(byteCount) bytes")
    }
}

/// jemalloc's non-standard entry points, found with dlsym when jemalloc is preloaded.
@usableFromInline
enum Jemalloc {
    @usableFromInline typealias Mallocx = @convention(c) (Int, Int32) -> UnsafeMutableRawPointer?
    @usableFromInline typealias Sdallocx = @convention(c) (UnsafeMutableRawPointer?, Int, Int32) -> Void

    /// MALLOCX_LG_ALIGN(log2(alignment)) above the natural 16-byte alignment, else no flags.
    @inlinable @inline(__always)
    static func flags(alignment: Int) -> Int32 {
        alignment <= 16 ? 0 : Int32(alignment.trailingZeroBitCount)
    }
}

/// GoAlloc's managed-heap entry points in libgoalloc.so, found with dlsym under allocator go-gc.
@usableFromInline
struct ManagedHeap {
    /// goalloc_gc_alloc(size, alignment, noscan).
    @usableFromInline let allocate: goalloc_gc_alloc_fn
    /// goalloc_gc_register_root(base, size).
    let registerRoot: goalloc_gc_register_root_fn
    /// goalloc_gc_unregister_root(base).
    let unregisterRoot: goalloc_gc_unregister_root_fn
    /// goalloc_gc_register_thread().
    let registerThread: goalloc_gc_register_thread_fn

    /// Finds the entry points once, before anything is timed; stops the process if they are not loaded.
    init() {
        func lookUp<Function>(_ name: String, as type: Function.Type) -> Function {
            guard let symbol = dlsym(nil, name) else {
                fatalError("allocator go-gc was selected, but libgoalloc.so (\(name)) is not loaded in this process")
            }
            return unsafeBitCast(symbol, to: type)
        }
        allocate = lookUp("goalloc_gc_alloc", as: goalloc_gc_alloc_fn.self)
        registerRoot = lookUp("goalloc_gc_register_root", as: goalloc_gc_register_root_fn.self)
        unregisterRoot = lookUp("goalloc_gc_unregister_root", as: goalloc_gc_unregister_root_fn.self)
        registerThread = lookUp("goalloc_gc_register_thread", as: goalloc_gc_register_thread_fn.self)
    }
}

/// The roots registered with Boehm's collector: GC_remove_roots takes the range's end as well as
/// its start, and ``Allocator/unregisterRoot(_:)`` gives only the start.
@usableFromInline
final class BoehmRoots: @unchecked Sendable {
    private let lock = NSLock()
    private var sizes: [UInt: Int] = [:]

    func add(_ base: UnsafeRawPointer, byteCount: Int) {
        lock.lock()
        sizes[UInt(bitPattern: base)] = byteCount
        lock.unlock()
        benchkit_boehm_add_roots(base, byteCount)
    }

    func remove(_ base: UnsafeRawPointer) {
        lock.lock()
        let byteCount = sizes.removeValue(forKey: UInt(bitPattern: base))
        lock.unlock()
        if let byteCount { benchkit_boehm_remove_roots(base, byteCount) }
    }
}
