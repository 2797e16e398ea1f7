import Foundation

/// The overview and the timeline of a period as rows, for CSV and XLSX downloads.
public enum AnalyticsExport {
    public static let overviewHeader = ["name", "value"]

    /// The overview as (name, value) rows: counts, amounts per currency, rates, delays.
    public static func overviewRows(_ overview: AnalyticsOverview) -> [[ExportCell]] {
        var rows: [[ExportCell]] = [
            [.text("date_from"), .date(overview.period.first)], [.text("date_to"), .date(overview.period.last)],
            [.text("documents"), .integer(overview.documents)],
        ]
        rows += DocumentStatus.allCases.map { [.text("status.\($0.rawValue)"), .integer(overview.byStatus[$0] ?? 0)] }
        rows += DocumentType.allCases.map { [.text("type.\($0.rawValue)"), .integer(overview.byType[$0] ?? 0)] }
        for money in overview.financial {
            for (name, amount) in [("total", money.total), ("accepted", money.accepted), ("pending", money.pending), ("paid", money.paid)] {
                rows.append([.text("amount.\(money.currency).\(name)"), .amount(amount)])
            }
        }
        rows += AnalyticsOverview.steps.map { [.text("reached.\($0)"), .integer(overview.reached[$0] ?? 0)] }
        for (name, delay) in [("time_to_first_view", overview.firstView), ("time_to_signature", overview.signature)] {
            rows.append([.text("\(name).median_seconds"), delay.median.map { .integer(Int64($0)) } ?? .empty])
            rows.append([.text("\(name).p90_seconds"), delay.p90.map { .integer(Int64($0)) } ?? .empty])
        }
        return rows
    }

    public static func timelineHeader(_ timeline: AnalyticsService.Timeline) -> [String] {
        ["date", "end_date"] + timeline.metrics.map(\.rawValue)
    }

    /// One row per bucket: its first and last day and each metric's count.
    public static func timelineRows(_ timeline: AnalyticsService.Timeline) -> [[ExportCell]] {
        timeline.points.map { point in
            [.date(point.start), .date(point.end)] + timeline.metrics.map { .integer(point.counts[$0] ?? 0) }
        }
    }

    /// Both in one long table for CSV: `section, name, date, value`.
    public static let csvHeader = ["section", "name", "date", "value"]

    public static func csvRows(_ overview: AnalyticsOverview, _ timeline: AnalyticsService.Timeline) -> [[String]] {
        overviewRows(overview).map { ["overview", $0[0].text, "", $0[1].text] }
            + timeline.points.flatMap { point in
                timeline.metrics.map { ["timeline", $0.rawValue, point.start.description, String(point.counts[$0] ?? 0)] }
            }
    }
}

extension AnalyticsService {
    /// What an export holds for these parameters (an overview's: `period` or the dates, and the
    /// filters): the overview and the daily timeline of every metric (weekly past 62 days).
    public func export(parameters: [String: String]) async throws -> (overview: AnalyticsOverview, timeline: Timeline) {
        let overview = try await overview(parameters: parameters).current
        let period = overview.period
        var timelineParameters = [
            "date_from": period.first.description, "date_to": period.last.description,
            "interval": database.days.count(from: period.first, to: period.last) > 62 ? "week" : "day",
            "metrics": Metric.allCases.map(\.rawValue).joined(separator: ","),
        ]
        if let type = period.filters.documentType { timelineParameters["document_type"] = type.rawValue }
        if let source = period.filters.externalSource { timelineParameters["external_source"] = source.rawValue }
        if let organization = period.filters.organizationID { timelineParameters["organization_id"] = String(organization) }
        return (overview, try await timeline(parameters: timelineParameters))
    }
}
