import BenchKit
import BenchResults
/// `index.html`: the whole report on one self-contained page (styles inline, charts inline as
/// SVG, no script, nothing fetched), so it can be opened from disk, mailed or published as is.
enum ReportPage {
    static func render(_ report: Report) -> String {
        var body = "<header>\n<h1>AllocBench report</h1>\n<p class=\"byline\">\(XMLText.escape(report.byline))</p>\n"
        if let warning = report.warning { body += "<p class=\"warning\"><strong>Warning.</strong> \(XMLText.escape(warning))</p>\n" }
        let links = report.leadingSections.map { ($0.id, $0.title) } + (report.charts.isEmpty ? [] : [("charts", "Charts")])
            + report.trailingSections.map { ($0.id, $0.title) }
        body += "<nav>" + links.map { "<a href=\"#\($0)\">\(XMLText.escape($1))</a>" }.joined(separator: " · ") + "</nav>\n</header>\n"
        for section in report.leadingSections { body += html(section) }
        if !report.charts.isEmpty {
            body += "<section id=\"charts\">\n<h2>Charts</h2>\n"
            for chart in report.charts {
                body += "<figure id=\"\(XMLText.escape(chart.fileName))\">\n" + inline(chart.svg)
                    + "<figcaption><a href=\"\(RunFiles.charts)/\(XMLText.escape(chart.fileName))\">\(XMLText.escape(chart.fileName))</a></figcaption>\n</figure>\n"
            }
            body += "</section>\n"
        }
        for section in report.trailingSections { body += html(section) }
        body += "<footer>Made by <code>bench report</code> from \(RunFiles.runs)"
            + (report.data.memStats.isEmpty ? "" : " and \(RunFiles.memStats)")
            + "; the numbers are in <a href=\"\(RunFiles.summaryCSV)\">\(RunFiles.summaryCSV)</a> and "
            + "<a href=\"\(RunFiles.summaryJSON)\">\(RunFiles.summaryJSON)</a>.</footer>\n"
        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>AllocBench report: \(XMLText.escape(report.byline))</title>
        <style>
        \(style)
        </style>
        </head>
        <body>
        \(body)</body>
        </html>

        """
    }

    static func html(_ section: Report.Section) -> String {
        "<section id=\"\(section.id)\">\n<h2>\(XMLText.escape(section.title))</h2>\n<div class=\"scroll\">\n"
            + section.table.html() + "</div>\n</section>\n"
    }

    /// An SVG file's element without its XML declaration, which may not appear inside HTML.
    static func inline(_ svg: String) -> String {
        guard svg.hasPrefix("<?xml"), let end = svg.firstIndex(of: "\n") else { return svg }
        return String(svg[svg.index(after: end)...])
    }

    static let style = """
        body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; color: #222; margin: 0 auto; max-width: 1400px; padding: 0 16px 32px; }
        h1 { margin-bottom: 4px; } h2 { border-bottom: 1px solid #ddd; padding-bottom: 4px; margin-top: 36px; }
        .byline, .note, figcaption, footer { color: #555; font-size: 13px; }
        .warning { color: #a33b00; border-left: 4px solid #a33b00; padding: 4px 10px; }
        nav { font-size: 14px; margin: 8px 0 16px; } nav a { color: #0072B2; }
        .scroll { overflow: auto; max-height: 85vh; } /* a long table scrolls in place, its header stays */
        table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
        th, td { border-bottom: 1px solid #e3e3e3; padding: 4px 8px; text-align: left; vertical-align: top; }
        th { background: #f4f4f4; position: sticky; top: 0; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        td:last-child:not(.num) { min-width: 16em; } /* the note column keeps room for its words */
        tbody tr:nth-child(even) { background: #fafafa; } td:first-child { white-space: nowrap; }
        figure { margin: 24px 0; } figure svg { max-width: 100%; height: auto; border: 1px solid #eee; }
        footer { margin-top: 36px; border-top: 1px solid #ddd; padding-top: 8px; }
        @media (max-width: 640px) { body { padding: 0 8px 24px; } h1 { font-size: 24px; } nav { line-height: 1.9; } table { font-size: 12px; } }
        """
}
