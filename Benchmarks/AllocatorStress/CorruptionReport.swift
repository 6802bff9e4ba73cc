import BenchKit

/// Where the threads of a stress test report data that is not what they wrote. In a run it is the
/// workload's ``B``: its first report becomes the error of a failed row.
///
/// A test that finds a corrupted block leaves it alone (it is leaked): freeing memory that a broken
/// allocator may have handed out twice would take the worker down before it could say why.
protocol CorruptionReport: AnyObject, Sendable {
    /// Records one corrupted block or value. Called only when a check fails, so the message may allocate.
    func corrupted(_ message: String)
}

extension B: CorruptionReport {
    func corrupted(_ message: String) {
        fail("corrupted data: " + message)
    }
}
