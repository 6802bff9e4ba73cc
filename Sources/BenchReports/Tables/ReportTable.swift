import BenchKit
import BenchResults
/// A table of a report, rendered as aligned text (the terminal), markdown (`report.md`) or HTML
/// (`index.html`) from the same cells, so the three never disagree.
public struct ReportTable: Equatable, Sendable {
    /// A column's heading, and whether its cells are numbers (right-aligned).
    public struct Column: Equatable, Sendable {
        public var title: String
        public var numeric: Bool

        public init(_ title: String, numeric: Bool = false) {
            self.title = title
            self.numeric = numeric
        }
    }

    public var columns: [Column]
    public var rows: [[String]]
    /// Lines printed under the table (what `± ∞` and `~` mean).
    public var footnotes: [String] = []

    public init(columns: [Column], rows: [[String]], footnotes: [String] = []) {
        self.columns = columns
        self.rows = rows
        self.footnotes = footnotes
    }

    /// Columns padded to their widest cell, numbers right-aligned, two spaces between columns.
    public func text() -> String {
        let all = [columns.map(\.title)] + rows
        let widths = columns.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        let lines = all.map { row in
            row.indices.map { column in
                let cell = row[column]
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return columns[column].numeric ? padding + cell : cell + padding
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
        return (lines + footnotes).joined(separator: "\n") + "\n"
    }

    /// A GitHub-flavoured markdown table, then the footnotes as a paragraph each.
    public func markdown() -> String {
        func line(_ cells: [String]) -> String {
            "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n"
        }
        var text = line(columns.map(\.title))
        text += "|" + columns.map { $0.numeric ? "---:|" : "---|" }.joined() + "\n"
        text += rows.map(line).joined()
        for note in footnotes { text += "\n" + note + "\n" }
        return text
    }

    /// A `<table>` (numbers in cells of class `num`), then the footnotes as paragraphs.
    public func html() -> String {
        func cells(_ tag: String, _ values: [String]) -> String {
            zip(columns, values).map { column, value in
                "<\(tag)\(column.numeric ? " class=\"num\"" : "")>\(XMLText.escape(value))</\(tag)>"
            }.joined()
        }
        var text = "<table>\n<thead><tr>\(cells("th", columns.map(\.title)))</tr></thead>\n<tbody>\n"
        text += rows.map { "<tr>\(cells("td", $0))</tr>\n" }.joined()
        text += "</tbody>\n</table>\n"
        text += footnotes.map { "<p class=\"note\">\(XMLText.escape($0))</p>\n" }.joined()
        return text
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
