import Foundation
import FoundationXML
import Testing
import BenchResults

/// PointerIt's flame graph, from a real instruction pass: the allocation and the free path each
/// stand on the Swift runtime call that leads to them.
@Suite(.serialized) struct FlameGraphTests {
    struct Frame {
        let name: String
        let x, y, width, share: Double
    }

    /// The frames of a flame graph: each `<g class="frame">` has a `<title>` and a `<rect>`.
    final class FrameReader: NSObject, XMLParserDelegate {
        var frames: [Frame] = []
        private var inFrame = false, inTitle = false
        private var title = ""

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if name == "g", attributes["class"] == "frame" { inFrame = true; title = "" }
            if name == "title", inFrame { inTitle = true }
            if name == "rect", inFrame, let x = Double(attributes["x"] ?? ""), let y = Double(attributes["y"] ?? ""),
               let width = Double(attributes["width"] ?? ""), let share = Double(attributes["data-share"] ?? "") {
                let name = String(title.split(separator: ":").first ?? "")
                frames.append(Frame(name: name, x: x, y: y, width: width, share: share))
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if inTitle { title += string }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "title" { inTitle = false }
            if name == "g" { inFrame = false }
        }
    }

    @Test func pointerItShowsTheAllocationAndTheFreePath() throws {
        let out = BenchCommand.scratch("flame")
        let run = try BenchCommand.bench(["--filter", "^BigStruct/PointerIt$", "--allocators", "system", "--count", "1",
                                          "--benchtime", "20000x", "--instructions", "--out", out])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let svg = out + "/charts/flame-BigStruct-PointerIt-system-t1.svg"
        let parser = try #require(XMLParser(contentsOf: URL(fileURLWithPath: svg)))
        let reader = FrameReader()
        parser.delegate = reader
        #expect(parser.parse(), "the flame graph is not well-formed XML")
        let frames = reader.frames
        #expect(frames.first { $0.name == "all" }?.share == 100)

        /// The widest frame named `name` standing (directly or higher up) on a frame named `below`.
        func path(_ name: String, on below: String) -> (Frame, Frame)? {
            for top in frames.sorted(by: { $0.share > $1.share }) where top.name == name {
                if let base = frames.first(where: { $0.name == below && $0.y > top.y && $0.x <= top.x + 0.01
                    && top.x + top.width <= $0.x + $0.width + 0.6 }) { return (top, base) }
            }
            return nil
        }
        let allocation = try #require(path("malloc", on: "swift_allocObject"), "no malloc above swift_allocObject")
        let release = try #require(path("free", on: "swift_release"), "no free above swift_release")
        #expect(allocation.0.share > 1 && allocation.1.share > allocation.0.share)
        #expect(release.0.share > 1 && release.1.share > release.0.share)
        // The page links it, as it does every chart.
        #expect(try String(contentsOfFile: out + "/index.html", encoding: .utf8).contains("flame-BigStruct-PointerIt-system-t1.svg"))
    }
}
