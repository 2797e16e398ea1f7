@testable import Engage
@testable import EngageWeb
import Foundation
import MariaDB
import TestSupport
import Testing

/// Analytics over the API, every figure checked against a direct count of `document_events`
/// between the UTC instants that bound each local day in Europe/Paris.
@Suite("Analytics")
struct AnalyticsTests {
    static func instant(_ text: String) -> Date {
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withInternetDateTime]
        return format.date(from: text)!
    }

    /// Applies `change` to a document as of `time`, through the lifecycle like any change.
    static func record(_ change: DocumentLifecycle.Change, on id: Int64, at time: Date, in database: Database) async throws {
        try await database.write { tx in
            guard let locked = try await tx.documents.lockLive(id: id) else { throw TestSetupError("no document \(id)") }
            var changes = DocumentChanges(locked, at: time)
            try changes.apply(change)
            try await changes.write(in: tx)
        }
    }

    /// Events of `types` between two instants, counted in SQL, optionally for one document type or organization.
    static func count(_ api: APIHarness, _ types: [String], from: Date, to: Date, documentType: String? = nil, organization: Int? = nil) async throws -> Int {
        var sql = """
            SELECT COUNT(*) AS n FROM document_events e JOIN documents d ON d.id = e.document_id
            WHERE e.created_at >= ? AND e.created_at < ? AND e.event_type IN (\(types.map { _ in "?" }.joined(separator: ", ")))
            """
        var binds: [any MariaDBEncodable] = [from, to] + types
        if let documentType { sql += " AND d.document_type = ?"; binds.append(documentType) }
        if let organization { sql += " AND d.organization_id = ?"; binds.append(Int64(organization)) }
        let row = try await api.database.pool.withConnection { try await $0.queryFirst(sql, binds) }
        return Int(try row?.decode("n", as: Int64.self) ?? -1)
    }

    @Test("the daily timeline matches SQL on the UTC bounds of each Paris day, DST days of 23 and 25 hours included; weeks, months, filters and an empty period")
    func timeline() async throws {
        try await APIHarness.run { api in
            let organization = try #require(try await api.call(.post, "/api/v1/organizations", json: #"{"name": "Counted SA"}"#).data["id"] as? Int)
            let quote = try await api.createDocument(#"{"document_type": "pennylane_quote", "title": "Quote counted", "organization_id": \#(organization)}"#)
            let custom = try await api.createDocument(#"{"document_type": "custom", "title": "Custom counted"}"#)
            // Instants on each side of local midnights, around both DST changes of 2026 (29 March, 25 October).
            let instants = [
                "2026-03-27T23:00:00Z", "2026-03-28T22:59:59Z", "2026-03-28T23:00:00Z", "2026-03-29T01:30:00Z", "2026-03-29T21:59:59Z",
                "2026-03-29T22:00:00Z", "2026-03-30T12:00:00Z", "2026-10-24T21:59:59Z", "2026-10-24T22:00:00Z", "2026-10-25T00:30:00Z",
                "2026-10-25T01:30:00Z", "2026-10-25T22:59:59Z", "2026-10-25T23:00:00Z", "2026-11-02T09:00:00Z",
            ].map(Self.instant)
            for (index, time) in instants.enumerated() {
                let id = index.isMultiple(of: 3) ? custom : quote
                try await Self.record(.linkClicked, on: id, at: time, in: api.database)
                try await Self.record(.emailOpened, on: id, at: time.addingTimeInterval(0.5), in: api.database)
                if index.isMultiple(of: 2) { try await Self.record(.recipient(.view), on: id, at: time, in: api.database) }
            }
            try await Self.record(.edit(status: .paid), on: quote, at: Self.instant("2026-03-29T21:00:00Z"), in: api.database)

            let reply = try await api.call(.get, "/api/v1/analytics/timeline?date_from=2026-03-27&date_to=2026-03-31&metrics=clicks,opens,views,paid")
            #expect(reply.status == .ok, "\(reply.text)")
            #expect(reply.data["time_zone"] as? String == "Europe/Paris")
            let series = reply.data["series"] as? [[String: Any]] ?? []
            #expect(series.map { $0["date"] as? String } == ["2026-03-27", "2026-03-28", "2026-03-29", "2026-03-30", "2026-03-31"])
            let paris = TimeZone(identifier: "Europe/Paris")!
            for point in series {
                let day = try #require(CalendarDate(point["date"] as? String ?? ""))
                // The day's bounds from the zone's offsets, not from the code under test.
                let midnight = day.startOfDay
                let start = midnight.addingTimeInterval(-Double(paris.secondsFromGMT(for: midnight)))
                let nextMidnight = midnight.addingTimeInterval(86_400)
                let end = nextMidnight.addingTimeInterval(-Double(paris.secondsFromGMT(for: nextMidnight)))
                if day.description == "2026-03-29" { #expect(end.timeIntervalSince(start) == 23 * 3600) }
                let clicks = try await Self.count(api, ["link_clicked"], from: start, to: end)
                let opens = try await Self.count(api, ["email_opened"], from: start, to: end)
                let views = try await Self.count(api, ["page_viewed"], from: start, to: end)
                #expect(point["clicks"] as? Int == clicks, "\(day)")
                #expect(point["opens"] as? Int == opens, "\(day)")
                #expect(point["views"] as? Int == views, "\(day)")
            }
            #expect(series[2]["paid"] as? Int == 1)
            #expect(series[2]["clicks"] as? Int == 3, "three clicks in the 23 hours of 29 March")

            // 25 October has 25 hours: 22:00Z on the 24th to 23:00Z on the 25th.
            let october = try await api.call(.get, "/api/v1/analytics/timeline?date_from=2026-10-25&date_to=2026-10-25&metrics=clicks").data
            #expect((october["series"] as? [[String: Any]])?.first?["clicks"] as? Int
                == (try await Self.count(api, ["link_clicked"], from: Self.instant("2026-10-24T22:00:00Z"), to: Self.instant("2026-10-25T23:00:00Z"))))
            #expect((october["totals"] as? [String: Any])?["clicks"] as? Int == 4)

            // ISO weeks start on Monday; the first and last buckets are cut to the period.
            let weeks = try await api.call(.get, "/api/v1/analytics/timeline?date_from=2026-03-25&date_to=2026-04-07&interval=week&metrics=clicks").data
            let weekSeries = weeks["series"] as? [[String: Any]] ?? []
            #expect(weekSeries.map { $0["date"] as? String } == ["2026-03-25", "2026-03-30", "2026-04-06"])
            #expect(weekSeries.map { $0["end_date"] as? String } == ["2026-03-29", "2026-04-05", "2026-04-07"])
            #expect(weekSeries.first?["clicks"] as? Int
                == (try await Self.count(api, ["link_clicked"], from: Self.instant("2026-03-24T23:00:00Z"), to: Self.instant("2026-03-29T22:00:00Z"))))
            let months = try await api.call(.get, "/api/v1/analytics/timeline?date_from=2026-03-01&date_to=2026-11-30&interval=month&metrics=clicks").data
            let monthSeries = months["series"] as? [[String: Any]] ?? []
            #expect(monthSeries.count == 9)
            #expect(monthSeries.compactMap { $0["clicks"] as? Int }.reduce(0, +) == instants.count)

            // Filters: the quote's organization, a document type.
            let filtered = try await api.call(.get, "/api/v1/analytics/timeline?date_from=2026-03-01&date_to=2026-11-30&interval=month&metrics=clicks&organization_id=\(organization)").data
            #expect((filtered["totals"] as? [String: Any])?["clicks"] as? Int
                == (try await Self.count(api, ["link_clicked"], from: Self.instant("2026-02-28T23:00:00Z"), to: Self.instant("2026-11-30T23:00:00Z"), organization: organization)))
            let customOnly = try await api.call(.get, "/api/v1/analytics/timeline?date_from=2026-03-01&date_to=2026-11-30&interval=month&metrics=clicks&document_type=custom").data
            #expect((customOnly["totals"] as? [String: Any])?["clicks"] as? Int
                == (try await Self.count(api, ["link_clicked"], from: Self.instant("2026-02-28T23:00:00Z"), to: Self.instant("2026-11-30T23:00:00Z"), documentType: "custom")))

            // An empty period is every day at zero.
            let empty = try await api.call(.get, "/api/v1/analytics/timeline?date_from=2025-01-01&date_to=2025-01-03").data
            #expect((empty["series"] as? [[String: Any]])?.map { [$0["views"] as? Int, $0["downloads"] as? Int, $0["signatures"] as? Int] }
                == [[0, 0, 0], [0, 0, 0], [0, 0, 0]])

            let events = try await api.call(.get, "/api/v1/analytics/events?date_from=2026-03-01&date_to=2026-11-30").data
            let counted = Dictionary(uniqueKeysWithValues: (events["events"] as? [[String: Any]] ?? []).map { ($0["event_type"] as? String ?? "", $0["count"] as? Int ?? -1) })
            #expect(counted.count == EventType.allCases.count, "every type, zeros included")
            for type in ["link_clicked", "email_opened", "page_viewed", "status_changed", "signed"] {
                #expect(counted[type] == (try await Self.count(api, [type], from: Self.instant("2026-02-28T23:00:00Z"), to: Self.instant("2026-11-30T23:00:00Z"))), "\(type)")
            }

            // A recount from the events gives the same figures as the counts kept with each event.
            let before = try await api.call(.get, "/api/v1/analytics/timeline?date_from=2026-03-01&date_to=2026-11-30&metrics=clicks,opens,views,paid").text
            let recounted = try await AnalyticsService(database: api.database).rebuild(batch: 5)
            #expect(recounted == (try await Self.count(api, EventType.allCases.map(\.rawValue), from: .distantPast, to: .distantFuture)))
            #expect(try await api.call(.get, "/api/v1/analytics/timeline?date_from=2026-03-01&date_to=2026-11-30&metrics=clicks,opens,views,paid").text == before)

            let refused = try await api.call(.get, "/api/v1/analytics/timeline?date_from=2026-04-02&date_to=2026-04-01&interval=year&metrics=views,likes&colour=red")
            #expect(refused.status == .badRequest)
            #expect(Set(refused.errorFields) == ["date_to", "interval", "metrics", "colour"])
        }
    }
}
