import BenchKit
import BenchResults
/// An SVG image built element by element: text and attribute values escaped, numbers in one
/// fixed format, attributes in the order given. The same chart therefore always has the same
/// bytes, whatever the locale or the run.
///
/// The charts of a report are written with this and no plotting library: they must render with
/// no network, no Python and no JavaScript (see `Report`).
struct SVGDocument {
    /// An attribute's name and its value, already formatted.
    typealias Attribute = (name: String, value: String)

    let width: Double
    let height: Double
    private var body: [String] = []
    private var depth = 1

    /// Every chart uses these fonts: what Debian and GitHub's viewers have, then any sans-serif.
    static let fontFamily = "DejaVu Sans, Helvetica, Arial, sans-serif"

    /// A document with a white background, so charts stay readable on dark pages.
    init(width: Double, height: Double) {
        self.width = width
        self.height = height
        rect(x: 0, y: 0, width: width, height: height, fill: "#ffffff")
    }

    /// Pixels with at most two decimals, no trailing zeros, and never `-0`.
    static func number(_ value: Double) -> String {
        var text = NumberFormat.fixed(value, 2)
        while text.contains("."), text.last == "0" { text.removeLast() }
        if text.last == "." { text.removeLast() }
        return text == "-0" ? "0" : text
    }

    /// `<name a="1" b="2"/>`, or with escaped text inside.
    mutating func element(_ name: String, _ attributes: [Attribute], text: String? = nil) {
        let opening = "<\(name)\(Self.render(attributes))"
        if let text {
            add("\(opening)>\(XMLText.escape(text))</\(name)>")
        } else {
            add("\(opening)/>")
        }
    }

    /// Opens an element whose children follow, until ``close(_:)``.
    mutating func open(_ name: String, _ attributes: [Attribute] = []) {
        add("<\(name)\(Self.render(attributes))>")
        depth += 1
    }

    mutating func close(_ name: String) {
        depth -= 1
        add("</\(name)>")
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, _ more: [Attribute] = []) {
        element("rect", [("x", Self.number(x)), ("y", Self.number(y)), ("width", Self.number(max(0, width))),
                         ("height", Self.number(max(0, height))), ("fill", fill)] + more)
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1,
                       dash: String = "") {
        element("line", [("x1", Self.number(x1)), ("y1", Self.number(y1)), ("x2", Self.number(x2)),
                         ("y2", Self.number(y2)), ("stroke", stroke), ("stroke-width", Self.number(width))]
                + (dash.isEmpty ? [] : [("stroke-dasharray", dash)]))
    }

    /// Text at (x, y), `anchor` being start, middle or end.
    mutating func text(_ text: String, x: Double, y: Double, size: Double = 12, anchor: String = "start",
                       fill: String = "#222222", _ more: [Attribute] = []) {
        var attributes: [Attribute] = [("x", Self.number(x)), ("y", Self.number(y)), ("font-size", Self.number(size))]
        if anchor != "start" { attributes.append(("text-anchor", anchor)) }
        attributes.append(("fill", fill))
        element("text", attributes + more, text: text)
    }

    /// A circle with a tooltip (`<title>`), which browsers show on hover.
    mutating func circle(cx: Double, cy: Double, r: Double, fill: String, tooltip: String, _ more: [Attribute] = []) {
        open("circle", [("cx", Self.number(cx)), ("cy", Self.number(cy)), ("r", Self.number(r)), ("fill", fill)] + more)
        element("title", [], text: tooltip)
        close("circle")
    }

    mutating func polyline(_ points: [(x: Double, y: Double)], stroke: String, width: Double = 2, dash: String = "") {
        let list = points.map { "\(Self.number($0.x)),\(Self.number($0.y))" }.joined(separator: " ")
        element("polyline", [("points", list), ("fill", "none"), ("stroke", stroke), ("stroke-width", Self.number(width))]
                + (dash.isEmpty ? [] : [("stroke-dasharray", dash)]))
    }

    /// The whole file: XML declaration, the `<svg>` root with its size, the elements.
    func render() -> String {
        let root: [Attribute] = [("xmlns", "http://www.w3.org/2000/svg"), ("width", Self.number(width)),
                                 ("height", Self.number(height)),
                                 ("viewBox", "0 0 \(Self.number(width)) \(Self.number(height))"),
                                 ("font-family", Self.fontFamily)]
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg\(Self.render(root))>\n" + body.joined(separator: "\n")
            + "\n</svg>\n"
    }

    private mutating func add(_ line: String) {
        body.append(String(repeating: "  ", count: depth) + line)
    }

    private static func render(_ attributes: [Attribute]) -> String {
        attributes.map { " \($0.name)=\"\(XMLText.escape($0.value))\"" }.joined()
    }
}
