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

            // Partial months on both sides: their days from day rows, the months between from month rows.
            for (from, to, start, end) in [
                ("2026-03-29", "2026-10-25", "2026-03-28T23:00:00Z", "2026-10-25T23:00:00Z"),
                ("2026-03-30", "2026-10-24", "2026-03-29T22:00:00Z", "2026-10-24T22:00:00Z"),
                ("2026-03-01", "2026-03-29", "2026-02-28T23:00:00Z", "2026-03-29T22:00:00Z"),
            ] {
                let partial = try await api.call(.get, "/api/v1/analytics/events?date_from=\(from)&date_to=\(to)").data
                let partialCounts = Dictionary(uniqueKeysWithValues: (partial["events"] as? [[String: Any]] ?? []).map { ($0["event_type"] as? String ?? "", $0["count"] as? Int ?? -1) })
                for type in ["link_clicked", "email_opened", "page_viewed"] {
                    #expect(partialCounts[type] == (try await Self.count(api, [type], from: Self.instant(start), to: Self.instant(end))), "\(type) \(from)…\(to)")
                }
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

    /// One row of SQL: the named integer columns.
    static func sqlRow(_ api: APIHarness, _ sql: String, _ binds: [any MariaDBEncodable] = []) async throws -> [String: Decimal] {
        let row = try await api.database.pool.withConnection { try await $0.queryFirst(sql, binds) }
        var values: [String: Decimal] = [:]
        for name in ["n", "amount", "eur", "usd"] { values[name] = try? row?.decode(name, as: Decimal?.self) ?? 0 }
        return values
    }

    @Test("the overview matches SQL on the documents of the period: statuses, types, amounts per currency, steps, delays; compare, filters, an empty period")
    func overview() async throws {
        try await APIHarness.run { api in
            let organization = try #require(try await api.call(.post, "/api/v1/organizations", json: #"{"name": "Overview SA"}"#).data["id"] as? Int)
            // Twelve documents: two types, two currencies, one organization for some; moved through their lives.
            var ids: [Int64] = []
            for index in 0..<12 {
                let type = index.isMultiple(of: 3) ? "custom" : "pennylane_invoice"
                let org = index.isMultiple(of: 2) ? #", "organization_id": \#(organization)"# : ""
                ids.append(try await api.createDocument("""
                    {"document_type": "\(type)", "title": "Overview \(index)", "total_amount": \(100 + index).25,
                     "currency": "\(index.isMultiple(of: 4) ? "USD" : "EUR")"\(org)}
                    """))
            }
            let statuses = ["sent", "viewed", "accepted", "signed", "paid", "rejected", "pending", "draft", "paid", "signed", "sent", "expired"]
            for (id, status) in zip(ids, statuses) where status != "draft" {
                if status == "rejected" || status == "expired" { _ = try await api.call(.put, "/api/v1/document-engagements/\(id)", json: #"{"status": "sent"}"#) }
                #expect(try await api.call(.put, "/api/v1/document-engagements/\(id)", json: #"{"status": "\#(status)"}"#).status == .ok, "\(status)")
            }
            #expect(try await api.call(.delete, "/api/v1/document-engagements/\(ids[8])").status == .noContent, "a deleted document is not counted")
            // Creation days around the period 2026-03-01…31, and delays from sent to view and signature.
            let created = ["2026-03-01", "2026-03-01", "2026-03-15", "2026-03-31", "2026-03-31", "2026-02-28", "2026-04-01", "2026-03-10",
                           "2026-03-10", "2026-03-20", "2026-02-10", "2026-03-05"]
            for (index, (id, day)) in zip(ids, created).enumerated() {
                try await api.sql("UPDATE documents SET created_day = ?, created_at = ? WHERE id = ?", [day, Self.instant("\(day)T10:00:00Z"), id])
                try await api.sql("""
                    UPDATE documents SET sent_at = IF(status = 'draft', NULL, COALESCE(sent_at, created_at)),
                        first_viewed_at = IF(status IN ('viewed', 'accepted', 'signed', 'paid'), sent_at + INTERVAL ? SECOND, NULL),
                        signed_at = IF(signed_at IS NULL, NULL, sent_at + INTERVAL ? SECOND) WHERE id = ?
                    """, [Int64(60 * (index + 1) * (index + 1)), Int64(3600 * (index + 2)), id])
            }

            let reply = try await api.call(.get, "/api/v1/analytics/overview?date_from=2026-03-01&date_to=2026-03-31&compare=true")
            #expect(reply.status == .ok, "\(reply.text)")
            let data = reply.data
            let live = "deleted_at IS NULL AND created_day BETWEEN '2026-03-01' AND '2026-03-31'"
            #expect(data["documents"] as? Int == Int(truncating: (try await Self.sqlRow(api, "SELECT COUNT(*) AS n FROM documents WHERE \(live)"))["n"]! as NSNumber))
            let byStatus = data["by_status"] as? [String: Int] ?? [:]
            for status in DocumentStatus.allCases {
                let expected = try await Self.sqlRow(api, "SELECT COUNT(*) AS n FROM documents WHERE \(live) AND status = ?", [status.rawValue])["n"]!
                #expect(Decimal(byStatus[status.rawValue] ?? -1) == expected, "\(status)")
            }
            let byType = data["by_type"] as? [String: Int] ?? [:]
            let customs = try await Self.sqlRow(api, "SELECT COUNT(*) AS n FROM documents WHERE \(live) AND document_type = 'custom'")["n"]!
            #expect(Decimal(byType["custom"] ?? -1) == customs)
            let financial = data["financial"] as? [[String: Any]] ?? []
            #expect(financial.map { $0["currency"] as? String } == ["EUR", "USD"])
            for money in financial {
                let currency = money["currency"] as? String ?? ""
                let sums = try await Self.sqlRow(api, """
                    SELECT SUM(total_amount) AS amount, SUM(IF(status IN ('accepted', 'signed'), total_amount, 0)) AS eur,
                        SUM(IF(status = 'paid', total_amount, 0)) AS usd, SUM(IF(status IN ('pending', 'sent', 'viewed', 'downloaded'), total_amount, 0)) AS n
                    FROM documents WHERE \(live) AND currency = ?
                    """, [currency])
                #expect(Decimal(string: "\(money["total"] ?? "")") == sums["amount"], "\(currency) total")
                #expect(Decimal(string: "\(money["accepted"] ?? "")") == sums["eur"], "\(currency) accepted")
                #expect(Decimal(string: "\(money["paid"] ?? "")") == sums["usd"], "\(currency) paid")
                #expect(Decimal(string: "\(money["pending"] ?? "")") == sums["n"], "\(currency) pending")
            }
            let engagement = data["engagement"] as? [String: Any] ?? [:]
            for (step, column) in [("sent", "sent_at"), ("viewed", "first_viewed_at"), ("signed", "signed_at"), ("paid", "paid_at")] {
                let expected = try await Self.sqlRow(api, "SELECT COUNT(*) AS n FROM documents WHERE \(live) AND \(column) IS NOT NULL")["n"]!
                #expect(Decimal(engagement[step] as? Int ?? -1) == expected, "\(step)")
            }
            // Percentiles (nearest rank) from SQL; the overview's are read from buckets 2^(1/8) wide.
            for (name, column) in [("time_to_first_view", "first_viewed_at"), ("time_to_signature", "signed_at")] {
                let delays = try await api.database.pool.withConnection {
                    try await $0.query("SELECT TIMESTAMPDIFF(SECOND, sent_at, \(column)) AS s FROM documents WHERE \(live) AND sent_at IS NOT NULL AND \(column) IS NOT NULL ORDER BY s")
                }.map { try $0.decode("s", as: Int64.self) }
                let reported = engagement[name] as? [String: Any] ?? [:]
                #expect(reported["documents"] as? Int == delays.count)
                try #require(delays.count >= 2, "\(name): the data must hold delays")
                for (key, p) in [("median_seconds", 0.5), ("p90_seconds", 0.9)] {
                    let exact = Double(delays[Int((p * Double(delays.count)).rounded(.up)) - 1])
                    let shown = Double(reported[key] as? Int ?? -1)
                    #expect(shown / exact < 1.0905 && exact / shown < 1.0905, "\(name) \(key): \(shown) for \(exact)")
                }
            }
            let viewRate = Double(engagement["viewed"] as? Int ?? 0) / Double(engagement["sent"] as? Int ?? 1)
            #expect(abs((engagement["view_rate"] as? Double ?? -1) - viewRate) <= 0.00005, "rates are given to four decimals")

            // The 31 days before: 2026-01-29…02-28.
            let compare = data["compare"] as? [String: Any] ?? [:]
            #expect(compare["date_from"] as? String == "2026-01-29")
            #expect(compare["date_to"] as? String == "2026-02-28")
            let before = Int(truncating: (try await Self.sqlRow(api, "SELECT COUNT(*) AS n FROM documents WHERE deleted_at IS NULL AND created_day BETWEEN '2026-01-29' AND '2026-02-28'"))["n"]! as NSNumber)
            #expect(compare["documents"] as? Int == before)
            let change = (compare["change"] as? [String: Any])?["documents"] as? [String: Any] ?? [:]
            #expect(change["value"] as? Int == (data["documents"] as? Int ?? 0) - before)

            let filtered = try await api.call(.get, "/api/v1/analytics/overview?date_from=2026-03-01&date_to=2026-03-31&organization_id=\(organization)&document_type=pennylane_invoice").data
            let expected = try await Self.sqlRow(api, "SELECT COUNT(*) AS n FROM documents WHERE \(live) AND organization_id = ? AND document_type = 'pennylane_invoice'", [Int64(organization)])["n"]!
            #expect(Decimal(filtered["documents"] as? Int ?? -1) == expected)

            let empty = try await api.call(.get, "/api/v1/analytics/overview?date_from=2024-01-01&date_to=2024-01-31").data
            #expect(empty["documents"] as? Int == 0)
            #expect((empty["engagement"] as? [String: Any])?["view_rate"] is NSNull)
            #expect(((empty["engagement"] as? [String: Any])?["time_to_first_view"] as? [String: Any])?["median_seconds"] is NSNull)
            #expect((empty["financial"] as? [Any])?.isEmpty == true)

            // A recount gives the same overview (the documents were given days in Paris at 10:00 UTC).
            let counted = try await api.call(.get, "/api/v1/analytics/overview?date_from=2026-01-01&date_to=2026-04-30").text
            _ = try await AnalyticsService(database: api.database).rebuild(batch: 3)
            #expect(try await api.call(.get, "/api/v1/analytics/overview?date_from=2026-01-01&date_to=2026-04-30").text == counted)

            let today = try await api.call(.get, "/api/v1/analytics/overview?period=today").data
            #expect(today["documents"] as? Int == 0, "every document was moved to another day")
            let both = try await api.call(.get, "/api/v1/analytics/overview?period=month&date_from=2026-01-01&compare=maybe")
            #expect(Set(both.errorFields) == ["period", "compare"])
        }
    }

    @Test("the dashboard shows the overview's figures, charts as SVG with their numbers in tables, the period picker and the latest activity")
    func dashboard() async throws {
        try await APIHarness.run { api in
            var staff = try await Browser.signedIn(api.client, email: "staff@example.com", password: APIHarness.password)
            let empty = String(buffer: try await staff.get(api.client, "/").body)
            #expect(empty.contains("Nothing yet"), "an empty dashboard says what to do")

            for index in 0..<5 {
                let id = try await api.createDocument(#"{"document_type": "custom", "title": "Dash <\#(index)>", "total_amount": 10.5, "currency": "EUR"}"#)
                _ = try await api.call(.put, "/api/v1/document-engagements/\(id)", json: #"{"status": "\#(index < 3 ? "sent" : "signed")"}"#)
            }
            let page = String(buffer: try await staff.get(api.client, "/?period=year").body)
            let overview = try await api.call(.get, "/api/v1/analytics/overview?period=year").data
            let sent = (overview["engagement"] as? [String: Any])?["sent"] as? Int ?? -1
            #expect(page.contains(#"<p class="kpi-value" data-kpi="Sent">\#(sent)</p>"#), "the Sent card shows the API's figure")
            #expect(page.contains(#"<option value="year" selected>This year</option>"#))
            #expect(page.contains(#"role="img" aria-labelledby="funnel-title funnel-desc""#))
            #expect(page.contains("<title id=\"statuses-title\">Documents created in the period, by status</title>"))
            #expect(page.contains("<td>signed</td><td>2</td>"), "the status chart's numbers are in its table")
            #expect(page.contains("Accepted (EUR)"))
            #expect(page.contains("Dash &lt;4&gt;"), "titles are escaped in the activity")
            #expect(!page.contains("Dash <4>"))
        }
    }

    @Test("top documents: the most viewed and the largest converted of the period, as SQL orders them, within the limit")
    func top() async throws {
        try await APIHarness.run { api in
            var ids: [Int64] = []
            for index in 0..<6 {
                ids.append(try await api.createDocument(#"{"document_type": "custom", "title": "Top \#(index)", "total_amount": \#(100 * (index + 1))}"#))
            }
            for (id, views) in zip(ids, [3, 0, 7, 1, 7, 2]) {
                try await api.sql("UPDATE documents SET view_count = ?, created_day = '2026-05-10' WHERE id = ?", [Int64(views), id])
            }
            for id in [ids[0], ids[3], ids[5]] {
                _ = try await api.call(.put, "/api/v1/document-engagements/\(id)", json: #"{"status": "accepted"}"#)
            }
            try await api.sql("UPDATE documents SET created_day = '2026-05-10' WHERE id IN (?, ?, ?)", [ids[0], ids[3], ids[5]])
            let reply = try await api.call(.get, "/api/v1/analytics/top?date_from=2026-05-01&date_to=2026-05-31&limit=3")
            #expect(reply.status == .ok, "\(reply.text)")
            let byViews = (reply.data["by_views"] as? [[String: Any]] ?? []).compactMap { ($0["id"] as? Int).map(Int64.init) }
            #expect(byViews == [ids[4], ids[2], ids[0]], "most viewed first, ties newest first")
            let byConversions = (reply.data["by_conversions"] as? [[String: Any]] ?? []).compactMap { ($0["id"] as? Int).map(Int64.init) }
            #expect(byConversions == [ids[5], ids[3], ids[0]], "the accepted ones, largest amount first")
            let outside = try await api.call(.get, "/api/v1/analytics/top?date_from=2026-06-01&date_to=2026-06-30").data
            #expect((outside["by_views"] as? [Any])?.isEmpty == true)
            #expect(try await api.call(.get, "/api/v1/analytics/top?limit=51").errorFields == ["limit"])
        }
    }

    @Test("demo documents get histories whose chains verify, counted exactly as a recount from the events counts them; counting can be turned off")
    func demoHistories() async throws {
        try await APIHarness.run { api in
            try await DemoDataService(database: api.database).load(organizations: 3, contacts: 6, documents: 600) { _ in }
            let all = "/api/v1/analytics/events?date_from=2023-12-01&date_to=2027-01-31"
            let counted = try await api.call(.get, all)
            #expect(counted.status == .ok, "\(counted.text)")
            let stored = try await Self.count(api, EventType.allCases.map(\.rawValue), from: .distantPast, to: .distantFuture)
            #expect(stored > 600 * 5, "about ten events a document")
            #expect((counted.data["events"] as? [[String: Any]] ?? []).compactMap { $0["count"] as? Int }.reduce(0, +) == stored)
            let overview = try await api.call(.get, "/api/v1/analytics/overview?date_from=2023-12-01&date_to=2027-01-31").text
            #expect(try await AnalyticsService(database: api.database).rebuild() == stored)
            #expect(try await api.call(.get, all).text == counted.text)
            #expect(try await api.call(.get, "/api/v1/analytics/overview?date_from=2023-12-01&date_to=2027-01-31").text == overview)

            let paid = try await api.database.pool.withConnection { try await $0.queryFirst("SELECT MIN(id) AS id FROM documents WHERE status = 'paid'") }
            let signed = try #require(try paid?.decode("id", as: Int64?.self))
            let trail = try await api.call(.get, "/api/v1/document-engagements/\(signed)/audit-trail")
            #expect(trail.data["verified"] as? Bool == true, "\(trail.text)")
            let types = (trail.data["events"] as? [[String: Any]] ?? []).compactMap { $0["event_type"] as? String }
            #expect(types.first == "token_created")
            #expect(["page_viewed", "accepted", "signed", "payment_clicked"].allSatisfy(types.contains), "\(types)")

            // With counting off, an event is stored but not counted.
            let id = try await api.createDocument(#"{"document_type": "custom", "title": "Not counted"}"#)
            let day = "/api/v1/analytics/timeline?metrics=clicks&date_from=2026-05-10&date_to=2026-05-10"
            try await Self.record(.linkClicked, on: id, at: Self.instant("2026-05-10T10:00:00Z"), in: Database(pool: api.database.pool, countsEvents: false))
            #expect(try await Self.count(api, ["link_clicked"], from: Self.instant("2026-05-10T00:00:00Z"), to: Self.instant("2026-05-11T00:00:00Z")) == 1)
            #expect((try await api.call(.get, day).data["totals"] as? [String: Any])?["clicks"] as? Int == 0)
            try await Self.record(.linkClicked, on: id, at: Self.instant("2026-05-10T11:00:00Z"), in: api.database)
            #expect((try await api.call(.get, day).data["totals"] as? [String: Any])?["clicks"] as? Int == 1)
        }
    }
}
