import BenchKit
import BenchResults
import Foundation

/// A cell's runtime timeline, from its trace (`traces/<cell>.json`, `bench run --trace`): what
/// `go tool trace` shows of the heap and the collector. Above, the live heap over the run (it
/// climbs as the program allocates and drops at each collection to what was marked) and the
/// goal the next collection starts at. Below, one lane each for the collections (every cycle
/// stops the world: the spans are red, as wide as the pause; at least a pixel unless the lane is
/// crowded, when the red's density is the stopped share), the scavenger's
/// steps and the heap's growth, and a tick per MemStats sample, so the picture lines up with
/// memstats.csv. Every mark's tooltip gives its figures.
enum Timeline {
    static let width = 1200.0
    static let margin = (left: 70.0, right: 20.0)
    static let header = 66.0
    static let heapHeight = 180.0
    static let laneHeight = 22.0
    static let lanes = ["collector", "scavenger", "heap grows", "MemStats"]
    static let stopped = "#D55E00"

    static func chart(cell: String, trace: RuntimeTrace, byline: String) -> Chart {
        let summary = RuntimeTraceSummary(trace)
        let height = header + heapHeight + 30 + Double(lanes.count) * laneHeight + 48
        var svg = SVGDocument(width: width, height: height)
        let title = "\(cell): runtime timeline"
        svg.text(title, x: 10, y: 22, size: 15, [("font-weight", "bold")])
        svg.text(summary.sentence + ".", x: 10, y: 40, size: 11, fill: Palette.muted)
        // The legend: swatches 20 x 12, as every chart's, which the screenshot check looks for.
        var x = 10.0
        for (colour, label) in [(stopped, "the world stopped (a collection, as wide as its pause)"),
                                (Palette.colour(0), "a scavenger step; the live heap"), (Palette.colour(2), "the heap grows"),
                                (Palette.muted, "a MemStats sample; dashed: the next collection's goal")] {
            svg.rect(x: x, y: 45, width: 20, height: 12, fill: colour)
            svg.text(label, x: x + 25, y: 55, size: 11, fill: Palette.ink)
            x += 25 + Double(label.count) * 5.7 + 18
        }

        let start = trace.runStartNs
        func ms(_ ns: UInt64) -> Double { Double(Int64(bitPattern: ns &- start)) / 1e6 }
        let time = Scale.linear(covering: [0, ms(trace.runEndNs)], tickCount: 10)
            .placed(from: margin.left, to: width - margin.right)
        let collections = trace.events.filter { $0.kind == .gc }
        let samples = trace.events.filter { $0.kind == .memStatsSample }
        let heapValues = (collections.flatMap { [$0.heapBefore, $0.heapAfter, $0.goal] } + samples.map(\.heapAfter))
            .map { Double($0) / 1_048_576 }
        let heap = Scale.linear(covering: [0] + heapValues, tickCount: 5).placed(from: header + heapHeight, to: header + 8)

        // The heap panel: grid, axis labels, the live heap's sawtooth and the goal's steps.
        for tick in heap.ticks {
            let y = heap.position(tick)
            svg.line(x1: margin.left, y1: y, x2: width - margin.right, y2: y, stroke: Palette.grid)
            svg.text(NumberFormat.compact(tick) + " MiB", x: margin.left - 6, y: y + 4, size: 10, anchor: "end", fill: Palette.muted)
        }
        // The live heap is known at each sample and at both ends of each collection.
        let known = (samples.map { ($0.startNs, $0.heapAfter) }
            + collections.flatMap { [($0.startNs, $0.heapBefore), ($0.endNs, $0.heapAfter)] }).sorted { $0.0 < $1.0 }
        let live = known.map { (x: time.position(ms($0.0)), y: heap.position(Double($0.1) / 1_048_576)) }
        var goal: [(x: Double, y: Double)] = []
        for cycle in collections {
            if let last = goal.last { goal.append((time.position(ms(cycle.endNs)), last.y)) }
            goal.append((time.position(ms(cycle.endNs)), heap.position(Double(cycle.goal) / 1_048_576)))
        }
        if let last = goal.last { goal.append((width - margin.right, last.y)) }
        if live.count >= 2 { svg.polyline(live, stroke: Palette.colour(0), width: 1.5) }
        if goal.count >= 2 { svg.polyline(goal, stroke: Palette.muted, width: 1, dash: "5 3") }
        if collections.isEmpty {
            svg.text("no collection in this run" + (live.isEmpty ? " and no MemStats sample to draw the heap from" : ""), x: (margin.left + width - margin.right) / 2, y: header + heapHeight / 2,
                     size: 12, anchor: "middle", fill: Palette.muted)
        }

        // The lanes.
        let lanesTop = header + heapHeight + 30
        for (index, lane) in lanes.enumerated() {
            let y = lanesTop + Double(index) * laneHeight
            svg.rect(x: margin.left, y: y + 2, width: width - margin.left - margin.right, height: laneHeight - 4, fill: "#f6f6f6")
            svg.text(lane, x: margin.left - 6, y: y + laneHeight / 2 + 4, size: 10, anchor: "end", fill: Palette.ink)
        }
        // A span is at least a pixel wide, so that a 20 µs pause in a second shows; but where the
        // spans of a lane outnumber a third of its pixels that would paint a 3% share as 100%, so
        // they keep their true widths and the lane's shade is their share.
        let plotWidth = width - margin.left - margin.right
        let crowded = Set(RuntimeTrace.Event.Kind.allCases.filter { kind in
            Double(trace.events.filter { $0.kind == kind }.count) > plotWidth / 3
        })
        func span(_ event: RuntimeTrace.Event, lane: Int, endNs: UInt64, fill: String, tooltip: String) {
            let x = time.position(ms(event.startNs))
            let w = max(time.position(ms(endNs)) - x, crowded.contains(event.kind) ? 0.01 : 1)
            svg.open("g", [("class", lanes[lane].replacingOccurrences(of: " ", with: "-"))])
            svg.element("title", [], text: tooltip)
            svg.rect(x: x, y: lanesTop + Double(lane) * laneHeight + 3, width: w, height: laneHeight - 6, fill: fill)
            svg.close("g")
        }
        for event in trace.events {
            switch event.kind {
            case .gc:
                span(event, lane: 0, endNs: event.startNs &+ event.pauseNs, fill: stopped,
                     tooltip: "GC \(event.number)\(event.forced ? " (forced)" : ""): paused \(RuntimeTraceSummary.microseconds(event.pauseNs)) "
                        + "at \(NumberFormat.goStyle(ms(event.startNs))) ms; heap \(NumberFormat.bytes(Double(event.heapBefore))) -> "
                        + "\(NumberFormat.bytes(Double(event.heapAfter))) marked, next goal \(NumberFormat.bytes(Double(event.goal)))")
            case .scavenge:
                span(event, lane: 1, endNs: event.endNs, fill: Palette.colour(0),
                     tooltip: "\(event.forced ? "FreeOSMemory" : "scavenger") released \(NumberFormat.bytes(Double(event.bytes))) "
                        + "at \(NumberFormat.goStyle(ms(event.startNs))) ms")
            case .heapGrow:
                span(event, lane: 2, endNs: event.endNs, fill: Palette.colour(2),
                     tooltip: "the heap mapped \(NumberFormat.bytes(Double(event.bytes))) more at \(NumberFormat.goStyle(ms(event.startNs))) ms "
                        + "(now \(NumberFormat.bytes(Double(event.heapAfter))))")
            case .memStatsSample:
                span(event, lane: 3, endNs: event.endNs, fill: Palette.muted,
                     tooltip: "MemStats sample \(event.number) (memstats.csv tick \(event.number)) at \(NumberFormat.goStyle(ms(event.startNs))) ms")
            }
        }

        // The time axis.
        let axisY = lanesTop + Double(lanes.count) * laneHeight + 4
        svg.line(x1: margin.left, y1: axisY, x2: width - margin.right, y2: axisY, stroke: Palette.ink)
        for tick in time.ticks {
            let x = time.position(tick)
            svg.line(x1: x, y1: axisY, x2: x, y2: axisY + 4, stroke: Palette.ink)
            svg.text(NumberFormat.compact(tick), x: x, y: axisY + 16, size: 10, anchor: "middle", fill: Palette.ink)
        }
        svg.text("ms from the start of the run (b.N = \(trace.n))", x: (margin.left + width - margin.right) / 2, y: axisY + 30,
                 size: 11, anchor: "middle", fill: Palette.ink)
        if trace.dropped > 0 {
            svg.text("\(trace.dropped) events did not fit in the trace buffer and are missing", x: width - margin.right,
                     y: 22, size: 11, anchor: "end", fill: Palette.warning)
        }
        svg.text(byline, x: 10, y: height - 6, size: 10, fill: Palette.muted)
        return Chart(fileName: "timeline-" + RunFiles.safeName(cell) + ".svg", title: title, svg: svg.render())
    }
}
