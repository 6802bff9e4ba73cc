import BenchKit
import BenchResults
/// Lines over a numeric x axis, in one or more panels stacked one above the other that share
/// both axes (so panels compare at a glance): ns/op over thread counts, or MemStats fields over
/// the ticks of a time-series workload, one panel per allocator.
///
/// Each point can carry a whisker (a 95% confidence interval) and the repetitions behind it as
/// faint dots; a panel can mark x positions with a labelled dashed rule (ticks where a garbage
/// collection ran). Series differ by colour and by dash pattern, so they stay apart in grey too.
struct LineChart {
    struct Point {
        var x: Double
        var y: Double
        var interval: (lower: Double, upper: Double)?
        /// The values this point summarises (repetitions), drawn as dots.
        var spread: [Double] = []
    }

    struct Series {
        var name: String
        var colour: String
        var dash: String
        var points: [Point]
        /// Whether each point gets a marker (few points) or the line stands alone (a time series).
        var markers: Bool
        /// Pixels the series is moved right, so that series at the same x stand side by side.
        var offset: Double = 0
    }

    struct Panel {
        var title: String
        var series: [Series]
        /// Positions marked with a dashed rule and a label above the plot.
        var marks: [(x: Double, label: String)] = []
        /// A line under the panel's title (what it lacks and why).
        var note: String = ""
    }

    var frame: ChartFrame
    var panels: [Panel]
    var xTitle: String
    var yTitle: String
    var xScale: Scale
    var xFormat: (Double) -> String
    var yFormat: (Double) -> String = NumberFormat.compact
    /// Whether the y axis turns logarithmic when values span decades; memory curves stay linear,
    /// so that a tooth of the sawtooth looks as large as it is.
    var yLogAllowed = true
    /// Whether every panel has the same y axis (ns/op of allocators side by side), or each its own
    /// (heap curves of allocators whose sizes differ tenfold: a shared axis flattens the small ones).
    var sharedYAxis = true

    static let panelHeight = 190.0
    static let panelGap = 62.0

    func render() -> String {
        let width = frame.width
        let left = ChartFrame.margin + 78, right = width - ChartFrame.margin - 10
        let top = frame.headerHeight + 10
        let height = top + Double(panels.count) * (Self.panelHeight + Self.panelGap) + 14 + ChartFrame.footerHeight
        var svg = SVGDocument(width: width, height: height)
        _ = frame.drawHeader(&svg)

        func values(_ panels: [Panel]) -> [Double] {
            let points = panels.flatMap(\.series).flatMap(\.points)
            return points.map(\.y) + points.flatMap(\.spread) + points.compactMap(\.interval).flatMap { [$0.lower, $0.upper] }
                + [0] // a y axis from zero: differences are drawn at their true size
        }
        let shared = values(panels)
        let x = xScale.placed(from: left, to: right)
        for (index, panel) in panels.enumerated() {
            let panelTop = top + Double(index) * (Self.panelHeight + Self.panelGap) + 20
            let bottom = panelTop + Self.panelHeight - 20
            let covered = sharedYAxis ? shared : values([panel])
            let y = (yLogAllowed ? Scale.automatic(covering: covered, origin: 0) : Scale.linear(covering: covered)).placed(from: bottom, to: panelTop)
            svg.text(panel.title, x: left, y: panelTop - 8, size: 13, fill: Palette.ink, [("font-weight", "bold")])
            if !panel.note.isEmpty {
                svg.text(panel.note, x: right, y: panelTop - 8, size: 11, anchor: "end", fill: Palette.muted)
            }
            ChartFrame.drawVerticalAxis(&svg, scale: y, left: left, right: right,
                                        title: yTitle + (y.isLog ? " (log scale)" : ""), format: yFormat)
            ChartFrame.drawHorizontalAxis(&svg, scale: x, top: panelTop, bottom: bottom,
                                          title: index == panels.count - 1 ? xTitle : "", format: xFormat)
            for mark in panel.marks {
                let position = x.position(mark.x)
                svg.line(x1: position, y1: panelTop, x2: position, y2: bottom, stroke: Palette.muted, dash: "3 3")
                svg.text(mark.label, x: position, y: panelTop + 10, size: 10, anchor: "middle", fill: Palette.muted)
            }
            svg.open("g", [("class", "panel"), ("data-panel", panel.title)])
            for series in panel.series { draw(series, x: x, y: y, in: &svg) }
            svg.close("g")
        }
        frame.drawFooter(&svg, height: height)
        return svg.render()
    }

    private func draw(_ series: Series, x: Scale, y: Scale, in svg: inout SVGDocument) {
        svg.open("g", [("class", "series"), ("data-series", series.name)])
        svg.polyline(series.points.map { (x.position($0.x) + series.offset, y.position($0.y)) }, stroke: series.colour, width: 2.2,
                     dash: series.dash)
        for point in series.points {
            let px = x.position(point.x) + series.offset
            if let interval = point.interval {
                let low = y.position(interval.lower), high = y.position(interval.upper)
                svg.line(x1: px, y1: low, x2: px, y2: high, stroke: series.colour, width: 1.5)
                svg.line(x1: px - 4, y1: low, x2: px + 4, y2: low, stroke: series.colour, width: 1.5)
                svg.line(x1: px - 4, y1: high, x2: px + 4, y2: high, stroke: series.colour, width: 1.5)
            }
            for value in point.spread {
                svg.circle(cx: px + 7, cy: y.position(value), r: 2, fill: series.colour,
                           tooltip: "\(series.name) at \(xFormat(point.x)): \(yFormat(value))", [("fill-opacity", "0.55")])
            }
            if series.markers {
                svg.circle(cx: px, cy: y.position(point.y), r: 3.5, fill: series.colour,
                           tooltip: "\(series.name) at \(xFormat(point.x)): median \(yFormat(point.y))",
                           [("stroke", "#ffffff"), ("stroke-width", "1")])
            }
        }
        svg.close("g")
    }
}
