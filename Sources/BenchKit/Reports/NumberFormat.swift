import Foundation

/// Number formats shared by the reports, independent of the user's locale.
enum NumberFormat {
    /// `value` with `places` decimals.
    static func fixed(_ value: Double, _ places: Int) -> String {
        String(format: "%.\(places)f", value)
    }

    /// About four significant figures, the way Go's `testing` prints benchmark values
    /// (`prettyPrint` in testing/benchmark.go): 1234, 123.4, 12.34, 1.234, 0.1234, ...
    static func goStyle(_ value: Double) -> String {
        let magnitude = abs(value)
        let places: Int
        switch magnitude {
        case 0, 999.95...: places = 0
        case 99.995...: places = 1
        case 9.9995...: places = 2
        case 0.99995...: places = 3
        case 0.099995...: places = 4
        case 0.0099995...: places = 5
        case 0.00099995...: places = 6
        default: places = 7
        }
        return fixed(value, places)
    }

    /// Bytes with a binary unit: `512 B`, `12.3 KiB`, `4.00 MiB`.
    static func bytes(_ value: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var scaled = value
        var unit = 0
        while abs(scaled) >= 1024, unit < units.count - 1 {
            scaled /= 1024
            unit += 1
        }
        return unit == 0 ? "\(Int(scaled)) B" : "\(goStyle(scaled)) \(units[unit])"
    }
}
