import Engage
import Foundation
import Hummingbird

/// `/api/v1/analytics/…`: the timeline of chosen metrics and every event type's count, for a
/// period of local days and the document list's filters.
struct AnalyticsAPIController {
    let analytics: AnalyticsService

    private struct TimelineBody: JSONWritable {
        let timeline: AnalyticsService.Timeline

        func writeJSON(_ w: inout JSONWriter) {
            w.beginObject()
            writePeriod(timeline.period, zone: timeline.zone, into: &w)
            w.key("interval"); w.value(timeline.interval.rawValue)
            w.key("metrics")
            w.beginArray()
            for metric in timeline.metrics { w.value(metric.rawValue) }
            w.endArray()
            w.key("series")
            w.beginArray()
            for point in timeline.points {
                w.beginObject()
                w.key("date"); w.value(point.start.description)
                w.key("end_date"); w.value(point.end.description)
                for metric in timeline.metrics {
                    w.key(named: metric.rawValue); w.value(point.counts[metric] ?? 0)
                }
                w.endObject()
            }
            w.endArray()
            w.key("totals")
            w.beginObject()
            let totals = timeline.totals
            for metric in timeline.metrics {
                w.key(named: metric.rawValue); w.value(totals[metric] ?? 0)
            }
            w.endObject()
            w.endObject()
        }
    }

    private struct EventsBody: JSONWritable {
        let period: AnalyticsService.Period
        let zone: String
        let counts: [(type: EventType, count: Int64)]

        func writeJSON(_ w: inout JSONWriter) {
            w.beginObject()
            writePeriod(period, zone: zone, into: &w)
            w.key("events")
            w.beginArray()
            for (type, count) in counts {
                w.beginObject()
                w.key("count"); w.value(count)
                w.key("event_type"); w.value(type.rawValue)
                w.endObject()
            }
            w.endArray()
            w.key("total"); w.value(counts.reduce(0) { $0 + $1.count })
            w.endObject()
        }
    }

    private struct TopBody: JSONWritable {
        let period: AnalyticsService.Period
        let zone: String
        let byViews: [Document]
        let byConversions: [Document]

        func writeJSON(_ w: inout JSONWriter) {
            w.beginObject()
            for (name, documents) in [("by_conversions", byConversions), ("by_views", byViews)] {
                w.key(named: name)
                w.beginArray()
                for document in documents { document.writeJSON(&w) }
                w.endArray()
            }
            writePeriod(period, zone: zone, into: &w)
            w.endObject()
        }
    }

    private struct OverviewBody: JSONWritable {
        let current: AnalyticsOverview
        let previous: AnalyticsOverview?
        let zone: String

        func writeJSON(_ w: inout JSONWriter) {
            w.beginObject()
            Self.write(current, into: &w)
            if let previous {
                w.key("compare")
                w.beginObject()
                w.key("change")
                w.beginObject()
                let pairs = [("documents", current.documents, previous.documents)]
                    + AnalyticsOverview.steps.map { ($0, current.reached[$0] ?? 0, previous.reached[$0] ?? 0) }
                for (name, now, before) in pairs {
                    w.key(named: name)
                    w.beginObject()
                    w.key("ratio"); w.value(before == 0 ? nil : Self.fourDecimals(Double(now - before) / Double(before)))
                    w.key("value"); w.value(now - before)
                    w.endObject()
                }
                w.endObject()
                Self.write(previous, into: &w)
                w.endObject()
            }
            w.key("time_zone"); w.value(zone)
            w.endObject()
        }

        /// Rates and ratios are given to four decimals.
        static func fourDecimals(_ number: Double) -> Decimal {
            Decimal(Int((number * 10_000).rounded())) / 10_000
        }

        /// One period's members (inside an object already open).
        static func write(_ overview: AnalyticsOverview, into w: inout JSONWriter) {
            w.key("by_status")
            w.beginObject()
            for status in DocumentStatus.allCases { w.key(named: status.rawValue); w.value(overview.byStatus[status] ?? 0) }
            w.endObject()
            w.key("by_type")
            w.beginObject()
            for type in DocumentType.allCases { w.key(named: type.rawValue); w.value(overview.byType[type] ?? 0) }
            w.endObject()
            w.key("date_from"); w.value(overview.period.first.description)
            w.key("date_to"); w.value(overview.period.last.description)
            w.key("documents"); w.value(overview.documents)
            w.key("engagement")
            w.beginObject()
            for (name, delay) in [("time_to_first_view", overview.firstView), ("time_to_signature", overview.signature)] {
                w.key(named: name)
                w.beginObject()
                w.key("documents"); w.value(delay.documents)
                w.key("median_seconds"); w.value(delay.median)
                w.key("p90_seconds"); w.value(delay.p90)
                w.endObject()
            }
            for step in AnalyticsOverview.steps {
                w.key(named: step); w.value(overview.reached[step] ?? 0)
            }
            for (name, step) in [("view_rate", "viewed"), ("download_rate", "downloaded"), ("acceptance_rate", "accepted"),
                                 ("signature_rate", "signed"), ("payment_rate", "paid")] {
                w.key(named: name); w.value(overview.rate(step).map(fourDecimals))
            }
            w.endObject()
            writeFilters(overview.period.filters, into: &w)
            w.key("financial")
            w.beginArray()
            for money in overview.financial {
                w.beginObject()
                w.key("accepted"); w.value(money.accepted)
                w.key("currency"); w.value(money.currency)
                w.key("paid"); w.value(money.paid)
                w.key("pending"); w.value(money.pending)
                w.key("total"); w.value(money.total)
                w.endObject()
            }
            w.endArray()
        }
    }

    func register(on api: RouterGroup<EngageRequestContext>) {
        api.get("analytics/overview") { request, context in
            _ = try context.actor()
            let found = try await analytics.overview(parameters: try request.apiQuery())
            return try APIResponse.success(OverviewBody(current: found.current, previous: found.previous, zone: analytics.zone))
        }
        api.get("analytics/export") { request, context in
            _ = try context.actor()
            var parameters = try request.apiQuery()
            let format = parameters.removeValue(forKey: "format") ?? "csv"
            guard format == "csv" || format == "xlsx" else {
                throw ValidationError(fields: [.init(field: "format", code: .invalidValue, message: "format must be csv or xlsx.")])
            }
            return try await Self.download(try await analytics.export(parameters: parameters), format: format)
        }
        api.get("analytics/top") { request, context in
            _ = try context.actor()
            let found = try await analytics.top(parameters: try request.apiQuery())
            return try APIResponse.success(TopBody(period: found.period, zone: analytics.zone, byViews: found.byViews, byConversions: found.byConversions))
        }
        api.get("analytics/timeline") { request, context in
            _ = try context.actor()
            return try APIResponse.success(TimelineBody(timeline: try await analytics.timeline(parameters: try request.apiQuery())))
        }
        api.get("analytics/events") { request, context in
            _ = try context.actor()
            let found = try await analytics.eventCounts(parameters: try request.apiQuery())
            return try APIResponse.success(EventsBody(period: found.period, zone: found.zone, counts: found.counts))
        }
    }
}

extension AnalyticsAPIController {
    /// The overview and timeline as `analytics-<date>.csv` (one long table) or `.xlsx` (a sheet each).
    static func download(_ export: (overview: AnalyticsOverview, timeline: AnalyticsService.Timeline), format: String) async throws -> Response {
        if format == "csv" {
            let rows = AnalyticsExport.csvRows(export.overview, export.timeline)
            return CSVDownload.response(filename: "analytics", header: AnalyticsExport.csvHeader) { write in try await write(rows) }
        }
        return try await XLSXDownload.response(filename: "analytics") { workbook in
            try workbook.addSheet("Overview", columns: [.init("name", width: 34), .init("value", width: 16)])
            try workbook.append(AnalyticsExport.overviewRows(export.overview))
            try workbook.addSheet("Timeline", columns: XLSXWorkbook.columns(AnalyticsExport.timelineHeader(export.timeline)))
            try workbook.append(AnalyticsExport.timelineRows(export.timeline))
        }
    }
}

/// `date_from`, `date_to`, the zone days are cut in, and the filters applied.
private func writePeriod(_ period: AnalyticsService.Period, zone: String, into w: inout JSONWriter) {
    w.key("date_from"); w.value(period.first.description)
    w.key("date_to"); w.value(period.last.description)
    writeFilters(period.filters, into: &w)
    w.key("time_zone"); w.value(zone)
}

/// The filters an analytics answer applied.
private func writeFilters(_ filters: AnalyticsFilters, into w: inout JSONWriter) {
    w.key("filters")
    w.beginObject()
    w.key("document_type"); w.value(filters.documentType?.rawValue)
    w.key("external_source"); w.value(filters.externalSource?.rawValue)
    w.key("organization_id"); w.value(filters.organizationID)
    w.endObject()
}
