import BenchKit
import BenchResults
/// What every chart has around its plot: a title and a subtitle, a legend, axis ticks with
/// labels and an axis title, and a footer naming the machine and the date.
struct ChartFrame {
    /// One legend entry: a name and the mark that stands for it.
    struct LegendEntry {
        enum Mark {
            case swatch(String)
            case line(String, dash: String)
            case dot
            case whisker
            case rule(dash: String)
        }

        let mark: Mark
        let name: String
    }

    var title: String
    var subtitle: String
    var legend: [LegendEntry]
    var footer: String
    let width: Double

    static let margin = 16.0
    static let footerHeight = 30.0

    /// About how wide `text` is at `size` pixels in the fonts charts use (they average 0.6 em a
    /// character), for layout only.
    static func textWidth(_ text: String, size: Double = 12) -> Double {
        Double(text.count) * size * 0.6
    }

    /// Draws the title, subtitle and legend (wrapped to the width); returns the y below them.
    func drawHeader(_ svg: inout SVGDocument) -> Double {
        svg.text(title, x: Self.margin, y: 26, size: 17, fill: Palette.ink, [("font-weight", "bold")])
        var y = 26.0
        for line in wrap(subtitle, size: 12) {
            y += 17
            svg.text(line, x: Self.margin, y: y, size: 12, fill: Palette.muted)
        }
        y += 22
        var x = Self.margin
        for entry in legend {
            let advance = 28 + Self.textWidth(entry.name) + 18
            if x + advance > width - Self.margin, x > Self.margin {
                x = Self.margin
                y += 20
            }
            drawMark(entry.mark, x: x, y: y - 4, in: &svg)
            svg.text(entry.name, x: x + 28, y: y, size: 12, fill: Palette.ink)
            x += advance
        }
        return y + 14
    }

    /// Where the plot can start: below the header, which is measured by drawing it once aside
    /// (the legend wraps to as many lines as it needs).
    var headerHeight: Double {
        var scratch = SVGDocument(width: width, height: 0)
        return drawHeader(&scratch)
    }

    /// The machine and date line at the bottom of a chart `height` pixels tall.
    func drawFooter(_ svg: inout SVGDocument, height: Double) {
        svg.line(x1: Self.margin, y1: height - Self.footerHeight + 6, x2: width - Self.margin,
                 y2: height - Self.footerHeight + 6, stroke: Palette.grid)
        svg.text(footer, x: Self.margin, y: height - 10, size: 11, fill: Palette.muted)
    }

    /// Ticks, grid lines and labels of a horizontal value axis under a plot spanning `top...bottom`.
    static func drawHorizontalAxis(_ svg: inout SVGDocument, scale: Scale, top: Double, bottom: Double, title: String,
                                   format: (Double) -> String) {
        for tick in scale.ticks {
            let x = scale.position(tick)
            svg.line(x1: x, y1: top, x2: x, y2: bottom, stroke: Palette.grid)
            svg.line(x1: x, y1: bottom, x2: x, y2: bottom + 5, stroke: Palette.ink)
            svg.text(format(tick), x: x, y: bottom + 18, size: 11, anchor: "middle", fill: Palette.ink)
        }
        svg.line(x1: scale.start, y1: bottom, x2: scale.end, y2: bottom, stroke: Palette.ink)
        svg.text(title, x: (scale.start + scale.end) / 2, y: bottom + 38, size: 12, anchor: "middle", fill: Palette.ink)
    }

    /// Ticks, grid lines and labels of a vertical value axis left of a plot spanning `left...right`;
    /// the title is written upwards beside the tick labels.
    static func drawVerticalAxis(_ svg: inout SVGDocument, scale: Scale, left: Double, right: Double, title: String,
                                 format: (Double) -> String) {
        for tick in scale.ticks {
            let y = scale.position(tick)
            svg.line(x1: left, y1: y, x2: right, y2: y, stroke: Palette.grid)
            svg.line(x1: left - 5, y1: y, x2: left, y2: y, stroke: Palette.ink)
            svg.text(format(tick), x: left - 8, y: y + 4, size: 11, anchor: "end", fill: Palette.ink)
        }
        svg.line(x1: left, y1: scale.start, x2: left, y2: scale.end, stroke: Palette.ink)
        let x = margin + 10, y = (scale.start + scale.end) / 2
        svg.text(title, x: x, y: y, size: 12, anchor: "middle", fill: Palette.ink,
                 [("transform", "rotate(-90 \(SVGDocument.number(x)) \(SVGDocument.number(y)))")])
    }

    private func drawMark(_ mark: LegendEntry.Mark, x: Double, y: Double, in svg: inout SVGDocument) {
        switch mark {
        case .swatch(let colour):
            svg.rect(x: x, y: y - 6, width: 20, height: 12, fill: colour, [("stroke", Palette.ink), ("stroke-width", "0.5")])
        case .line(let colour, let dash):
            svg.line(x1: x, y1: y, x2: x + 22, y2: y, stroke: colour, width: 2.5, dash: dash)
        case .dot:
            svg.circle(cx: x + 10, cy: y, r: 3, fill: Palette.ink, tooltip: "one repetition")
        case .whisker:
            svg.line(x1: x + 2, y1: y, x2: x + 20, y2: y, stroke: Palette.ink, width: 1.5)
            svg.line(x1: x + 2, y1: y - 5, x2: x + 2, y2: y + 5, stroke: Palette.ink, width: 1.5)
            svg.line(x1: x + 20, y1: y - 5, x2: x + 20, y2: y + 5, stroke: Palette.ink, width: 1.5)
        case .rule(let dash):
            svg.line(x1: x + 10, y1: y - 7, x2: x + 10, y2: y + 7, stroke: Palette.ink, width: 1.5, dash: dash)
        }
    }

    /// Splits `text` into lines that fit the chart's width.
    private func wrap(_ text: String, size: Double) -> [String] {
        guard !text.isEmpty else { return [] }
        let limit = Int((width - 2 * Self.margin) / (size * 0.6))
        var lines: [String] = [], current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty, current.count + 1 + word.count > limit {
                lines.append(current)
                current = ""
            }
            current += (current.isEmpty ? "" : " ") + word
        }
        return lines + [current]
    }
}
