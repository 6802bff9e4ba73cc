// Go's stackIt trio: where does a local live when its value goes up or down the stack? In Go the
// escape analysis decides; in Swift the programmer does, by choosing a value, a class or a pointer.

/// Holds an Int on the heap: Swift's way to let a local's value outlive its frame by reference.
public final class IntBox {
    public let value: Int

    @inline(__always)
    public init(_ value: Int) {
        self.value = value
    }
}

/// Returns `y * 2` of a local: the local lives in a register or the frame, nothing is allocated.
@inline(never)
public func stackIt() -> Int {
    let y = 2
    return y * 2
}

/// Returns the result in a heap box, the counterpart of Go's `return &res`: the value escapes up
/// the stack, so it is allocated (24 bytes: object header + Int) and reference counted.
@inline(never)
public func stackIt2() -> IntBox {
    let y = 2
    return IntBox(y * 2)
}

/// Passes a pointer to a local down the stack: the callee reads the caller's frame, which outlives
/// the call, so nothing escapes and nothing is allocated.
@inline(never)
public func stackIt3() -> Int {
    var y = 2
    return withUnsafePointer(to: &y) { doubled($0) }
}

@inline(never)
func doubled(_ y: UnsafePointer<Int>) -> Int {
    y.pointee * 2
}
