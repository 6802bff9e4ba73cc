import BenchKit
import BenchResults
/// Horizontal grouped bars: one group per category (a workload), one bar per series (an
/// allocator) in a fixed slot, so each series keeps its place and colour in every group.
///
/// A bar ends at the median; a whisker shows its 95% confidence interval when there is one; a dot
/// shows every repetition, so a cell whose repetitions split into modes shows two clusters
/// instead of hiding behind one bar, and the median's label says `unstable`. A series with no
/// bar in a group (a cell that failed) says so in its slot. Bars are horizontal so
/// that long workload names stay readable however many there are.
struct BarChart {
    /// One bar: the median, its interval, and every repetition.
    struct Bar {
        var series: Int
        var value: Double
        var interval: (lower: Double, upper: Double)?
        /// Each repetition's value, with its number for the tooltip.
        var points: [(rep: Int, value: Double)]
        /// Printed after the value, in italics: `unstable`, `~` (not significant).
        var note: String?
    }

    struct Category {
        var label: String
        var bars: [Bar]
        /// Series without a bar here, and why (`failed`).
        var missing: [(series: Int, reason: String)] = []
    }

    /// A series: its name (an allocator) and its colour, which stays the same in every chart.
    struct Series {
        var name: String
        var colour: String
    }

    var frame: ChartFrame
    var series: [Series]
    var categories: [Category]
    /// The value axis's title, with the unit.
    var axisTitle: String
    /// Where bars start: 0, or 1 for ratios (bars then grow left or right of it).
    var origin: Double = 0
    /// A labelled vertical rule, such as the baseline's 1.0 on a ratio chart.
    var reference: (value: Double, label: String)?
    /// How values print in tick labels, bar labels and tooltips.
    var format: (Double) -> String
    /// Tick labels, which are round numbers and can be shorter than value labels.
    var tickFormat: (Double) -> String = NumberFormat.compact

    static let barHeight = 16.0
    static let groupGap = 14.0

    func render() -> String {
        let width = frame.width
        let values = categories.flatMap { $0.bars.flatMap { bar in
            [bar.value] + bar.points.map(\.value) + [bar.interval?.lower, bar.interval?.upper].compactMap { $0 }
        } } + (reference.map { [$0.value] } ?? [])
        let labelWidth = min(width * 0.4, (categories.map { ChartFrame.textWidth($0.label) }.max() ?? 0) + 12)
        let left = ChartFrame.margin + labelWidth
        let right = width - ChartFrame.margin - 120 // room for the median's label after the bar

        let top = frame.headerHeight + 6
        let band = Double(series.count) * Self.barHeight + Self.groupGap
        let bottom = top + Double(categories.count) * band
        let height = bottom + 50 + ChartFrame.footerHeight
        var svg = SVGDocument(width: width, height: height)
        _ = frame.drawHeader(&svg)

        let scale = Scale.automatic(covering: values, origin: origin).placed(from: left, to: right)
        ChartFrame.drawHorizontalAxis(&svg, scale: scale, top: top, bottom: bottom,
                                      title: axisTitle + (scale.isLog ? " (log scale)" : ""), format: tickFormat)
        let base = scale.position(scale.isLog ? scale.lower : origin)

        for (index, category) in categories.enumerated() {
            let groupTop = top + Double(index) * band + Self.groupGap / 2
            svg.text(category.label, x: left - 8, y: groupTop + Double(series.count) * Self.barHeight / 2 + 4,
                     anchor: "end", fill: Palette.ink)
            svg.open("g", [("class", "category"), ("data-category", category.label)])
            for bar in category.bars {
                draw(bar, top: groupTop + Double(bar.series) * Self.barHeight, scale: scale, base: base, in: &svg)
            }
            for (series, reason) in category.missing {
                svg.text("\(self.series[series].name): \(reason)", x: base + 4,
                         y: groupTop + Double(series) * Self.barHeight + Self.barHeight / 2 + 4, size: 11,
                         fill: Palette.muted, [("font-style", "italic")])
            }
            svg.close("g")
        }
        if let reference {
            let x = scale.position(reference.value)
            svg.line(x1: x, y1: top - 4, x2: x, y2: bottom, stroke: Palette.ink, width: 1.5, dash: "5 3")
            svg.text(reference.label, x: x + 4, y: top - 6, size: 11, fill: Palette.ink)
        }
        frame.drawFooter(&svg, height: height)
        return svg.render()
    }

    private func draw(_ bar: Bar, top: Double, scale: Scale, base: Double, in svg: inout SVGDocument) {
        let colour = series[bar.series].colour
        let name = series[bar.series].name
        let end = scale.position(bar.value)
        let middle = top + Self.barHeight / 2
        svg.open("g", [("class", "series"), ("data-series", name)])
        svg.rect(x: min(base, end), y: top + 2, width: abs(end - base), height: Self.barHeight - 4, fill: colour,
                 [("fill-opacity", "0.8")])
        var extent = max(end, base)
        if let interval = bar.interval {
            let low = scale.position(interval.lower), high = scale.position(interval.upper)
            svg.line(x1: low, y1: middle, x2: high, y2: middle, stroke: Palette.ink, width: 1.5)
            svg.line(x1: low, y1: middle - 5, x2: low, y2: middle + 5, stroke: Palette.ink, width: 1.5)
            svg.line(x1: high, y1: middle - 5, x2: high, y2: middle + 5, stroke: Palette.ink, width: 1.5)
            extent = max(extent, high)
        }
        for (offset, point) in bar.points.enumerated() {
            // Repetitions sit on three lines within the bar, so equal values do not hide each other.
            let x = scale.position(point.value)
            svg.circle(cx: x, cy: middle + Double(offset % 3 - 1) * 3.5, r: 2.6, fill: Palette.ink,
                       tooltip: "\(name) rep \(point.rep): \(format(point.value))",
                       [("fill-opacity", "0.75"), ("stroke", "#ffffff"), ("stroke-width", "0.6")])
            extent = max(extent, x)
        }
        // Clear of the bar, its whisker, its dots and the reference rule (the ratio chart's 1).
        svg.text(format(bar.value) + (bar.note.map { "  " + $0 } ?? ""), x: extent + 10, y: middle + 4, size: 11,
                 fill: bar.note == nil ? Palette.ink : Palette.warning, bar.note == nil ? [] : [("font-style", "italic")])
        svg.close("g")
    }
}
