// GoAlloc: Go's allocator in Swift. The design, and how this part fits in, is the essay at the top of
// Malloc.swift (as Go's malloc.go introduces its runtime allocator).

/// Ranges of memory the program registers as roots (like Boehm's GC_add_roots): memory the
/// collector does not otherwise scan (globals, malloc'd or mapped memory) that holds references
/// to managed objects. Kept as (base, byte count) pairs in an off-heap table, heap lock held.
extension UnsafeMutablePointer where Pointee == GC {
    func registerRoot(_ base: UInt, byteCount: Int, heap: UnsafeMutablePointer<MHeap>) {
        heap.pointee.lock.lock()
        pointee.roots.push(base)
        pointee.roots.push(UInt(byteCount))
        heap.pointee.lock.unlock()
    }

    /// Removes the range registered at `base`; false if there is none.
    func unregisterRoot(_ base: UInt, heap: UnsafeMutablePointer<MHeap>) -> Bool {
        heap.pointee.lock.lock()
        defer { heap.pointee.lock.unlock() }
        var index = 0
        while index < pointee.roots.count {
            if pointee.roots.words.unsafelyUnwrapped[index] == base {
                pointee.roots.removeSwapping(at: index, length: 2)
                return true
            }
            index += 2
        }
        return false
    }
}
