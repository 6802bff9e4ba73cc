import BenchKit
import Foundation

/// Number formats shared by the reports, independent of the user's locale.
package enum NumberFormat {
    /// `value` with `places` decimals.
    package static func fixed(_ value: Double, _ places: Int) -> String {
        String(format: "%.\(places)f", value)
    }

    /// About four significant figures, the way Go's `testing` prints benchmark values
    /// (`prettyPrint` in testing/benchmark.go): 1234, 123.4, 12.34, 1.234, 0.1234, ...
    package static func goStyle(_ value: Double) -> String {
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
        default: return String(format: "%.3e", value) // an empty loop's 3.1e-08 ns/op, not 0.0000000
        }
        return fixed(value, places)
    }

    /// Bytes with a binary unit: `512 B`, `12.3 KiB`, `4.00 MiB`.
    package static func bytes(_ value: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var scaled = value
        var unit = 0
        while abs(scaled) >= 1024, unit < units.count - 1 {
            scaled /= 1024
            unit += 1
        }
        return unit == 0 ? "\(Int(scaled)) B" : "\(goStyle(scaled)) \(units[unit])"
    }

    /// `± 3.2%` (under 10%) or `± 14%`: the half-width of a 95% confidence interval relative to
    /// the median, as `benchstat` prints it; `± ∞` when there is no interval (see
    /// ``Summary/noIntervalFootnote``), never a made-up number.
    package static func plusMinus(_ percent: Double?) -> String {
        guard let percent else { return "± ∞" }
        return "± " + fixed(percent, percent < 10 ? 1 : 0) + "%"
    }

    /// `+5.23%`, `-17.51%`, `0.00%`.
    package static func signedPercent(_ percent: Double) -> String {
        let text = fixed(percent, 2)
        return (percent > 0 && text != "0.00" ? "+" + text : (text == "-0.00" ? "0.00" : text)) + "%"
    }

    /// Up to four significant figures without trailing zeros, in exponent form only when very
    /// large or small: `0`, `0.5`, `120`, `2.5e-8`, `1e6`. For axis ticks, which are round numbers.
    package static func compact(_ value: Double) -> String {
        if value == 0 { return "0" }
        var text = String(format: "%.4g", value)
        guard let e = text.firstIndex(of: "e") else { return text }
        // C writes 1e-08 and 1e+06; 1e-8 and 1e6 read better and mean the same.
        let mantissa = text[..<e]
        var exponent = String(text[text.index(after: e)...])
        let negative = exponent.hasPrefix("-")
        exponent = String(exponent.drop { $0 == "-" || $0 == "+" || $0 == "0" })
        text = mantissa + "e" + (negative ? "-" : "") + exponent
        return text
    }
}
