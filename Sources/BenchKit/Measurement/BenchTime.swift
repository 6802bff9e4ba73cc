/// How long to run each measurement: Go's `-benchtime` (`1s`, `250ms`, or `1000x` for a fixed count).
public enum BenchTime: Codable, Equatable, Sendable, CustomStringConvertible {
    /// Grow b.N until one run takes at least this long.
    case duration(nanoseconds: Int64)
    /// Run exactly this many iterations (after the single probing iteration, as Go does).
    case iterations(Int)

    /// Parses Go's syntax. Returns nil for anything else, including zero or negative values.
    public init?(parsing text: String) {
        if text.hasSuffix("x") {
            guard let count = Int(text.dropLast()), count > 0 else { return nil }
            self = .iterations(count)
        } else {
            guard let ns = GoDuration.nanoseconds(text), ns > 0 else { return nil }
            self = .duration(nanoseconds: ns)
        }
    }

    public var description: String {
        switch self {
        case .duration(let ns): GoDuration.format(nanoseconds: ns)
        case .iterations(let count): "\(count)x"
        }
    }
}
