import BenchKit
import BenchResults
/// Colours that readers with any common colour-vision deficiency can tell apart: the Okabe-Ito
/// palette (Okabe & Ito, "Color Universal Design", 2002), ordered so the first few differ most
/// in lightness too, with yellow (faint on white) and black (the colour of text) last.
///
/// Line charts add a dash pattern per series, so even a grey-scale print keeps series apart.
enum Palette {
    static let colours = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
    static let dashes = ["", "7 4", "2 3", "9 3 2 3"]

    /// The colour of the series at `index` (an allocator's ``ChartContext/style(of:)``, a MemStats
    /// field's place); past eight, colours repeat and the dash pattern tells series apart.
    static func colour(_ index: Int) -> String { colours[index % colours.count] }

    static func dash(_ index: Int) -> String { dashes[index % dashes.count] }

    /// Text, axes and the marks every series shares (dots, whiskers).
    static let ink = "#222222"
    static let muted = "#666666"
    static let grid = "#e3e3e3"
    /// Notes that ask for care (`unstable`): a dark orange, readable as text on white.
    static let warning = "#a33b00"
}
