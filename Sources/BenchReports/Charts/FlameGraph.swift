import BenchKit
import BenchResults
import Foundation

/// A cell's flame graph, from folded stacks: the instruction pass's (`profiles/<cell>.folded`),
/// Go's `-cpuprofile` picture with exact instruction counts instead of samples, or the allocation
/// sites' (`allocations/<cell>.folded`), Go's `-memprofile` picture with every allocation
/// counted. The root is at the bottom, each frame's width is its share of what was counted while
/// the timer ran, and a frame's callees stand on it. Frames are coloured by who runs them: the
/// workload, the Swift runtime, the allocator; every frame's tooltip gives its name, count and share.
enum FlameGraph {
    /// What the stacks count, and how the chart says so.
    struct Measure {
        /// The chart's file name starts with this.
        let filePrefix: String
        /// `instructions`, `allocations`: the title's last words and the tooltips' unit.
        let unit: String
        /// How it was counted: the line under the title, before the total.
        let source: String

        static let instructions = Measure(filePrefix: "flame-", unit: "instructions",
                                          source: "Counted by callgrind while the timer ran (the instruction pass)")
        static let allocations = Measure(filePrefix: "allocs-", unit: "allocations",
                                         source: "Every allocation while the timer ran in the counting pass (--memprofile)")
    }

    /// A frame: a function on one stack, with what its callees took.
    final class Frame {
        let name: String
        var value = 0.0
        var children: [String: Frame] = [:]

        init(_ name: String) { self.name = name }

        func child(_ name: String) -> Frame {
            if let frame = children[name] { return frame }
            let frame = Frame(name)
            children[name] = frame
            return frame
        }
    }

    /// The tree of `folded` (`a;b;c 120` lines); the root's value is the total.
    static func tree(_ folded: String) -> Frame {
        let root = Frame("all")
        for line in folded.split(separator: "\n") {
            guard let space = line.lastIndex(of: " "), let count = Double(line[line.index(after: space)...]), count > 0 else { continue }
            var frame = root
            root.value += count
            for name in line[..<space].split(separator: ";") {
                frame = frame.child(String(name))
                frame.value += count
            }
        }
        return root
    }

    static let width = 1200.0
    static let frameHeight = 17.0
    static let margin = 10.0
    static let header = 56.0

    /// The chart of one cell's stacks; nil when there are none.
    static func chart(cell: String, folded: String, measure: Measure = .instructions, byline: String) -> Chart? {
        let root = tree(folded)
        guard root.value > 0 else { return nil }
        func depth(_ frame: Frame) -> Int { 1 + (frame.children.values.map(depth).max() ?? 0) }
        let levels = depth(root)
        let height = header + Double(levels) * frameHeight + 28
        var svg = SVGDocument(width: width, height: height)
        let title = "\(cell): \(measure.unit) by call stack"
        svg.text(title, x: margin, y: 22, size: 15, [("font-weight", "bold")])
        svg.text("\(measure.source); width is the share of "
            + "\(NumberFormat.goStyle(root.value)) \(measure.unit). Orange: the allocator; blue: the Swift runtime.",
                 x: margin, y: 40, size: 11, fill: Palette.muted)
        let scale = (width - 2 * margin) / root.value
        func draw(_ frame: Frame, x: Double, level: Int) {
            let w = frame.value * scale
            let y = height - 28 - Double(level + 1) * frameHeight
            let share = frame.value / root.value * 100
            svg.open("g", [("class", "frame")])
            svg.element("title", [], text: "\(frame.name): \(NumberFormat.goStyle(frame.value)) \(measure.unit) "
                + "(\(NumberFormat.fixed(share, 2))%)")
            svg.rect(x: x, y: y, width: max(w - 0.5, 0.1), height: frameHeight - 1, fill: colour(frame.name),
                     [("data-share", NumberFormat.fixed(share, 4))])
            let characters = Int((w - 6) / 6.6)
            if characters >= 3 {
                let label = frame.name.count <= characters ? frame.name : String(frame.name.prefix(characters - 2)) + ".."
                svg.text(label, x: x + 3, y: y + frameHeight - 5, size: 11)
            }
            svg.close("g")
            var childX = x
            for child in frame.children.values.sorted(by: { $0.name < $1.name }) {
                draw(child, x: childX, level: level + 1)
                childX += child.value * scale
            }
        }
        draw(root, x: margin, level: 0)
        svg.text(byline, x: margin, y: height - 8, size: 10, fill: Palette.muted)
        return Chart(fileName: measure.filePrefix + RunFiles.safeName(cell) + ".svg", title: title, svg: svg.render())
    }

    /// The allocator's frames, the Swift runtime's and the rest, told apart by name.
    static func colour(_ name: String) -> String {
        let allocator = ["malloc", "free", "_int_", "tcache", "mi_", "je_", "tc_", "goalloc", "GoAlloc", "MCache", "MHeap",
                         "MCentral", "sdallocx", "mallocx", "calloc", "realloc", "operator new", "operator delete"]
        if allocator.contains(where: { name.hasPrefix($0) || name.contains("." + $0) }) { return "#E69F00" }
        if name.hasPrefix("swift_") || name.hasPrefix("_swift") || name.contains("swift::") { return "#56B4E9" }
        return name == "all" ? "#dddddd" : "#bfe3d0"
    }
}
