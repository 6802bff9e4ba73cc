import Foundation

/// Parses durations in Go's `time.ParseDuration` syntax (`1s`, `250ms`, `1m30s`, `1.5h`, `100us`).
///
/// `bench` takes `--benchtime` and `--timeout` in this syntax so that flags copied from a
/// `go test -bench` command line mean the same thing here.
public enum GoDuration {
    /// The units Go accepts, in nanoseconds.
    static let units: [(suffix: String, nanoseconds: Double)] = [
        ("ns", 1), ("us", 1e3), ("µs", 1e3), ("μs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9),
    ]

    /// Returns the duration in nanoseconds, or nil if `text` is not a Go duration.
    ///
    /// Like Go, a duration is a sequence of decimal numbers, each with a unit; `0` alone is
    /// also accepted. Signs are not accepted (no caller here wants a negative duration).
    public static func nanoseconds(_ text: String) -> Int64? {
        if text == "0" { return 0 }
        var rest = Substring(text)
        var total = 0.0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, number != ".", number.filter({ $0 == "." }).count <= 1,
                  let value = Double(number.hasPrefix(".") ? "0" + number : String(number))
            else { return nil }
            rest = rest.dropFirst(number.count)
            // Longest suffix first, so that "ms" is not read as "m" followed by "s".
            guard let unit = units.sorted(by: { $0.suffix.count > $1.suffix.count })
                .first(where: { rest.hasPrefix($0.suffix) })
            else { return nil }
            rest = rest.dropFirst(unit.suffix.count)
            total += value * unit.nanoseconds
        }
        guard total < Double(Int64.max) else { return nil }
        return Int64(total.rounded())
    }

    /// Formats nanoseconds the way Go's `Duration.String` does for the common cases (`1s`, `250ms`, `1m30s`).
    public static func format(nanoseconds ns: Int64) -> String {
        if ns == 0 { return "0s" }
        if ns < 1_000 { return "\(ns)ns" }
        if ns < 1_000_000 { return trimmed(Double(ns) / 1e3) + "µs" }
        if ns < 1_000_000_000 { return trimmed(Double(ns) / 1e6) + "ms" }
        let seconds = Double(ns) / 1e9
        if seconds < 60 { return trimmed(seconds) + "s" }
        let minutes = Int(seconds / 60)
        let remainder = seconds - Double(minutes) * 60
        if minutes < 60 { return "\(minutes)m" + trimmed(remainder) + "s" }
        return "\(minutes / 60)h\(minutes % 60)m" + trimmed(remainder) + "s"
    }

    private static func trimmed(_ value: Double) -> String {
        var text = String(format: "%.3f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
