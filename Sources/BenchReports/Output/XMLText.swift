import BenchKit
import BenchResults
/// Escaping for text and attribute values in SVG and HTML, which are both written by hand.
enum XMLText {
    /// `&`, `<`, `>`, `"` and `'` as entities: safe in element text and in quoted attributes.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
