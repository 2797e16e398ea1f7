import Engage
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

    func register(on api: RouterGroup<EngageRequestContext>) {
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

/// `date_from`, `date_to`, the zone days are cut in, and the filters applied.
private func writePeriod(_ period: AnalyticsService.Period, zone: String, into w: inout JSONWriter) {
    w.key("date_from"); w.value(period.first.description)
    w.key("date_to"); w.value(period.last.description)
    w.key("filters")
    w.beginObject()
    w.key("document_type"); w.value(period.filters.documentType?.rawValue)
    w.key("external_source"); w.value(period.filters.externalSource?.rawValue)
    w.key("organization_id"); w.value(period.filters.organizationID)
    w.endObject()
    w.key("time_zone"); w.value(zone)
}
