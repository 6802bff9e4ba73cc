/// The names of the metrics that the harness and the built-in suites report beside ns/op, B/op
/// and allocs/op: written once here, read by the worker that reports them and the reports that
/// explain them.
public enum MetricName {
    /// The collector's stop-the-world time over the timed time, in percent (go-gc only; see ``B``).
    public static let gcPercent = "gc-%"
    /// A stack's painted high-water mark in bytes (the MemStatsTour scenarios).
    public static let stackBytes = "stack-bytes"
    /// The prefix of the change of a MemStats field between a workload's first and last sample:
    /// `ΔHeapInuse`.
    public static let memStatsChangePrefix = "Δ"

    /// `Δ<Field>`, the metric of a field's change.
    public static func change(_ field: MemStatsField) -> String { memStatsChangePrefix + field.rawValue }
}
