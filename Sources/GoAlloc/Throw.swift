// GoAlloc: Go's allocator in Swift. The design, and how this part fits in, is the essay at the top of
// Malloc.swift (as Go's malloc.go introduces its runtime allocator).

#if canImport(Glibc)
import Glibc
#endif

/// Stops the process with a message, like Go's `runtime.throw`: for misuse GoAlloc can detect
/// (a free of memory it does not own, a double free) and for broken invariants, where going on
/// would corrupt memory. Only write(2) and abort(3): nothing here allocates, so it is safe inside
/// the allocator's own paths and while locks are held.
@inline(never)
func fatal(_ message: StaticString) -> Never {
    writeLine("goalloc: fatal error: ", message)
    abort()
}

/// Says on standard error that a setting could not take effect, and goes on (write(2) only).
@inline(never)
func warn(_ message: StaticString) {
    writeLine("goalloc: ", message)
}

private func writeLine(_ prefix: StaticString, _ message: StaticString) {
    let newline: StaticString = "\n"
    _ = write(STDERR_FILENO, prefix.utf8Start, prefix.utf8CodeUnitCount)
    _ = write(STDERR_FILENO, message.utf8Start, message.utf8CodeUnitCount)
    _ = write(STDERR_FILENO, newline.utf8Start, newline.utf8CodeUnitCount)
}
