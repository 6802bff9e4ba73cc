import BenchKit
import BenchResults
/// `report.md`: the report's tables as GitHub markdown, ready to paste into an issue or a README,
/// with the charts linked (relative paths, so it renders where it lies).
enum ReportMarkdown {
    static func render(_ report: Report) -> String {
        var text = "# AllocBench report\n\n\(report.byline)\n"
        if let warning = report.warning { text += "\n> **Warning.** \(warning)\n" }
        for section in report.leadingSections {
            text += "\n## \(section.title)\n\n" + section.table.markdown()
        }
        if !report.charts.isEmpty {
            text += "\n## Charts\n"
            for chart in report.charts {
                text += "\n### \(chart.title)\n\n![\(chart.title)](charts/\(chart.fileName))\n"
            }
        }
        for section in report.trailingSections {
            text += "\n## \(section.title)\n\n" + section.table.markdown()
        }
        return text
    }
}
