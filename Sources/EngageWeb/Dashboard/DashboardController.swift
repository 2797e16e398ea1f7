import Engage
import Foundation
import Hummingbird

/// `GET /`: what recipients did in a period at a glance: KPI cards with the change against the
/// period before, the timeline, the status distribution and the funnel as server-drawn SVG (each
/// with its numbers in a table), and the latest activity across documents.
struct DashboardController {
    let views: ViewRenderer
    let analytics: AnalyticsService
    let events: DocumentEventService

    struct Choice: Sendable {
        let value: String
        let label: String
        let selected: Bool
    }

    struct KPI: Sendable {
        let label: String
        let value: String
        /// "+3 (+12%)" against the period before; nil when there is nothing to compare.
        let change: String?
        let down: Bool
    }

    struct Row: Sendable {
        let label: String
        let value: String
    }

    struct Chart: Sendable {
        let id: String
        let title: String
        let svg: SafeHTML
        let columns: [String]
        let rows: [[String]]
    }

    struct Activity: Sendable {
        let documentID: Int64
        let number: String
        let title: String
        let event: String
        let time: PortalTime
    }

    struct DashboardPage: PageContext {
        let title = PortalLocale.current.text("navDashboard")
        let chrome: PortalChrome?
        let name: String
        let periods: [Choice]
        let range: String
        let kpis: [KPI]
        let amounts: [Row]
        let charts: [Chart]
        let activity: [Activity]
        let hasActivity: Bool
        /// The export's query: the period shown.
        let exportQuery: String
    }

    /// The periods offered, with the catalogue key of each one's name.
    static let periods: [(value: String, key: String)] = [
        ("", "periodLast30Days"), ("today", "periodToday"), ("week", "periodWeek"), ("month", "periodMonth"), ("quarter", "periodQuarter"),
        ("year", "periodYear"),
    ]

    func register(on portal: RouterGroup<EngageRequestContext>) {
        portal.get("/dashboard/export.:format") { request, context in
            _ = try context.requireUser()
            guard let format = context.parameters.get("format"), ["csv", "xlsx"].contains(format) else { throw HTTPError(.notFound) }
            let chosen = Self.period(request)
            return try await AnalyticsAPIController.download(try await analytics.export(parameters: chosen.isEmpty ? [:] : ["period": chosen]), format: format)
        }
        portal.get("/") { request, context in
            let user = try context.requireUser()
            let chosen = Self.period(request)
            var parameters = ["compare": "true"]
            if !chosen.isEmpty { parameters["period"] = chosen }
            let (current, previous) = try await analytics.overview(parameters: parameters)
            let period = current.period
            let days = Int(period.last.startOfDay.timeIntervalSince(period.first.startOfDay) / 86_400) + 1
            let timeline = try await analytics.timeline(parameters: [
                "date_from": period.first.description, "date_to": period.last.description, "interval": days > 62 ? "week" : "day",
                "metrics": "views,downloads,signatures",
            ])
            let latest = try await events.latest(limit: 10)
            return try views.render("portal/dashboard", DashboardPage(
                chrome: PortalChrome(context: context, section: "dashboard"), name: user.name,
                periods: Self.periods.map { Choice(value: $0.value, label: PortalLocale.current.text($0.key), selected: $0.value == chosen) },
                range: PortalLocale.current.text("dateRange", ["from": PortalLocale.current.day(period.first), "to": PortalLocale.current.day(period.last), "zone": analytics.zone]),
                kpis: Self.kpis(current, previous), amounts: Self.amounts(current),
                charts: [Self.timelineChart(timeline), Self.statusChart(current), Self.funnelChart(current)],
                activity: latest.map {
                    Activity(documentID: $0.event.documentID, number: $0.number, title: $0.title,
                             event: $0.event.eventType.label, time: PortalTime($0.event.createdAt))
                },
                hasActivity: !latest.isEmpty, exportQuery: chosen.isEmpty ? "" : "?period=\(chosen)"))
        }
    }

    /// The period the page asks for, among those offered ("" for the last 30 days).
    private static func period(_ request: Request) -> String {
        request.queryDictionary["period"].flatMap { value in periods.contains { $0.value == value } ? value : nil } ?? ""
    }

    private static func kpis(_ current: AnalyticsOverview, _ previous: AnalyticsOverview?) -> [KPI] {
        let t = PortalLocale.current
        return [("kpiSent", "sent"), ("kpiViewed", "viewed"), ("kpiSigned", "signed"), ("kpiPaid", "paid")].map { key, step in
            let now = current.reached[step] ?? 0
            let before = previous?.reached[step]
            let change = before.map { before -> String in
                let difference = now - before
                let ratio = before == 0 ? "" : String(format: " (%+.0f%%)", Double(difference) * 100 / Double(before))
                return (difference >= 0 ? "+" : "") + "\(difference)" + ratio + " " + t.text("vsPeriodBefore")
            }
            return KPI(label: t.text(key), value: "\(now)", change: change, down: (before ?? 0) > now)
        }
    }

    /// Amounts accepted and pending per currency.
    private static func amounts(_ overview: AnalyticsOverview) -> [Row] {
        overview.financial.flatMap { money in
            [Row(label: PortalLocale.current.text("amountAccepted", ["currency": money.currency]), value: PortalLocale.current.money(money.accepted, currency: money.currency)),
             Row(label: PortalLocale.current.text("amountPending", ["currency": money.currency]), value: PortalLocale.current.money(money.pending, currency: money.currency))]
        }
    }

    private static func timelineChart(_ timeline: AnalyticsService.Timeline) -> Chart {
        let labels = timeline.points.map(\.start.description)
        let series = timeline.metrics.map { metric in (metric.label, timeline.points.map { $0.counts[metric] ?? 0 }) }
        let t = PortalLocale.current
        let title = t.text("chartTimeline", ["interval": timeline.interval.perLabel])
        return Chart(
            id: "timeline", title: title,
            svg: SVGChart.lines(id: "timeline", title: title, labels: labels, series: series),
            columns: [t.text("date")] + timeline.metrics.map(\.label),
            rows: timeline.points.map { point in [point.start.description] + timeline.metrics.map { String(point.counts[$0] ?? 0) } })
    }

    private static func statusChart(_ overview: AnalyticsOverview) -> Chart {
        let items = DocumentStatus.allCases.map { ($0.rawValue, overview.byStatus[$0] ?? 0) }
        let t = PortalLocale.current
        return Chart(
            id: "statuses", title: t.text("chartStatuses"),
            svg: SVGChart.bars(id: "statuses", title: t.text("chartStatuses"), items: items),
            columns: [t.text("status"), t.text("navDocuments")], rows: items.map { [$0.0, String($0.1)] })
    }

    private static func funnelChart(_ overview: AnalyticsOverview) -> Chart {
        let items = ["sent", "viewed", "accepted", "signed", "paid"].map { ($0, overview.reached[$0] ?? 0) }
        let t = PortalLocale.current
        return Chart(
            id: "funnel", title: t.text("chartFunnel"),
            svg: SVGChart.bars(id: "funnel", title: t.text("chartFunnelSpoken"), items: items),
            columns: [t.text("step"), t.text("navDocuments"), t.text("ofThoseSent")],
            rows: items.map { step, count in [step, String(count), overview.rate(step).map { String(format: "%.0f%%", $0 * 100) } ?? "—"] })
    }
}
