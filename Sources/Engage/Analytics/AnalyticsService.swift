import Foundation

/// What recipients did, counted: the timeline of chosen metrics and every event type's count,
/// read from the daily counts kept with each event (never by scanning events).
public struct AnalyticsService: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// The IANA zone days are cut in.
    public var zone: String { database.days.zone.identifier }

    /// What a timeline can show, and the events each counts.
    public enum Metric: String, Sendable, CaseIterable {
        case views, downloads, opens, clicks, acceptances, signatures, declines, sent, paid

        var keys: [String] {
            switch self {
            case .views: [EventType.pageViewed.rawValue]
            case .downloads: [EventType.pdfDownloaded.rawValue]
            case .opens: [EventType.emailOpened.rawValue]
            case .clicks: [EventType.linkClicked.rawValue]
            case .acceptances: [EventType.accepted.rawValue]
            case .signatures: [EventType.signed.rawValue]
            case .declines: [EventType.declined.rawValue]
            case .sent: [EventType.emailQueued.rawValue, EventType.smsQueued.rawValue]
            case .paid: ["status:" + DocumentStatus.paid.rawValue]
            }
        }

        public static let standard: [Metric] = [.views, .downloads, .signatures]
    }

    public enum Interval: String, Sendable, CaseIterable {
        case day, week, month
    }

    /// A period of local days and the filters, read from query parameters.
    public struct Period: Sendable, Equatable {
        public let first: CalendarDate
        public let last: CalendarDate
        public let filters: AnalyticsFilters

        /// The longest period a query may cover.
        static let maximumDays = 3_660

        /// `date_from` and `date_to` (default: the 30 days ending today) and the document list's
        /// filters; `extra` are the endpoint's own parameters, read by the caller.
        init(_ reader: inout QueryReader, days: LocalDays, today: Date = Date()) {
            let range = reader.dateRange()
            let last = range.to ?? days.day(of: today)
            var first = range.from ?? days.day(of: days.start(of: last).addingTimeInterval(-29 * 86_400 + 43_200))
            if days.start(of: last).timeIntervalSince(days.start(of: first)) > Double(Self.maximumDays) * 86_400 {
                reader.report("date_from", .outOfRange, "A period covers at most \(Self.maximumDays) days.")
                first = last
            }
            self.first = first
            self.last = last
            filters = AnalyticsFilters(
                documentType: reader.choice("document_type", DocumentType.self),
                externalSource: reader.choice("external_source", ExternalSource.self),
                organizationID: reader.id("organization_id"))
        }

        static let parameters: Set<String> = ["date_from", "date_to", "document_type", "external_source", "organization_id"]

        init(first: CalendarDate, last: CalendarDate, filters: AnalyticsFilters) {
            self.first = first
            self.last = last
            self.filters = filters
        }
    }

    /// One point of a timeline: the bucket's first and last day (within the period) and each metric's count.
    public struct Point: Sendable, Equatable {
        public let start: CalendarDate
        public let end: CalendarDate
        public let counts: [Metric: Int64]
    }

    public struct Timeline: Sendable, Equatable {
        public let period: Period
        public let interval: Interval
        public let metrics: [Metric]
        public let points: [Point]
        public let zone: String

        public var totals: [Metric: Int64] {
            points.reduce(into: [:]) { totals, point in
                for (metric, count) in point.counts { totals[metric, default: 0] += count }
            }
        }
    }

    /// Counts of `metrics` per day, ISO week or month of the period, every bucket present (zeros
    /// included); days are cut in `ENGAGE_TIME_ZONE`.
    public func timeline(parameters: [String: String]) async throws -> Timeline {
        var reader = QueryReader(parameters)
        let period = Period(&reader, days: database.days)
        let interval = reader.choice("interval", Interval.self) ?? .day
        var metrics = Metric.standard
        if let list = reader.value("metrics") {
            let names = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let unknown = names.filter { Metric(rawValue: $0) == nil }
            if unknown.isEmpty, !names.isEmpty {
                metrics = names.compactMap(Metric.init(rawValue:)).reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
            } else {
                reader.report("metrics", .invalidValue, "metrics are a comma-separated list of: \(Metric.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
        }
        reader.refuseOthers(than: Period.parameters.union(["interval", "metrics"]))
        try reader.finish()

        let rows = try await database.read {
            try await $0.analytics.daily(from: period.first, to: period.last, keys: metrics.flatMap(\.keys), filters: period.filters)
        }
        var byDay: [CalendarDate: [String: Int64]] = [:]
        for row in rows { byDay[row.day, default: [:]][row.key, default: 0] += row.count }
        let days = database.days
        var points: [Point] = []
        var day = period.first
        while day <= period.last {
            let bucketStart = day
            var counts = Dictionary(uniqueKeysWithValues: metrics.map { ($0, Int64(0)) })
            var end = day
            repeat {
                for metric in metrics {
                    counts[metric, default: 0] += metric.keys.reduce(0) { $0 + (byDay[day]?[$1] ?? 0) }
                }
                end = day
                day = days.next(day)
            } while day <= period.last && !Self.startsBucket(day, interval, days)
            points.append(Point(start: bucketStart, end: end, counts: counts))
        }
        return Timeline(period: period, interval: interval, metrics: metrics, points: points, zone: days.zone.identifier)
    }

    /// True when `day` opens a new bucket of `interval`.
    private static func startsBucket(_ day: CalendarDate, _ interval: Interval, _ days: LocalDays) -> Bool {
        switch interval {
        case .day: true
        case .week: days.weekStart(of: day) == day
        case .month: day.day == 1
        }
    }

    /// Every event type with its count in the period (zeros included), most frequent first.
    public func eventCounts(parameters: [String: String]) async throws -> (period: Period, zone: String, counts: [(type: EventType, count: Int64)]) {
        var reader = QueryReader(parameters)
        let period = Period(&reader, days: database.days)
        reader.refuseOthers(than: Period.parameters)
        try reader.finish()
        let totals = try await database.read { try await $0.analytics.totals(from: period.first, to: period.last, filters: period.filters) }
        let counts = EventType.allCases.map { ($0, totals[$0.rawValue] ?? 0) }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.rawValue < $1.0.rawValue }
        return (period, database.days.zone.identifier, counts)
    }

    /// Counts the documents after `id` (giving each its local creation day), 2,000 per transaction.
    func countDocuments(after id: Int64) async throws {
        var after = id
        while let last = try await database.write({ try await $0.analytics.countDocuments(after: after, limit: 2_000) }) {
            after = last
        }
    }

    /// Counts every document and event again (after an upgrade that brought the counts, or a
    /// change of `ENGAGE_TIME_ZONE`): documents get their local creation day anew, which their
    /// triggers count; event counts are emptied, then filled `batch` events at a time in id order.
    /// Run it while nothing writes (serve and workers stopped), or what is written meanwhile may
    /// be counted twice. Returns the events counted.
    public func rebuild(batch: Int = 20_000, progress: (Int) -> Void = { _ in }) async throws -> Int {
        while try await database.statements({ try await $0.analytics.uncountDocuments(limit: 2_000) }) > 0 {}
        try await database.statements { try await $0.analytics.clearDocuments() }
        try await countDocuments(after: 0)
        try await database.statements { try await $0.analytics.clear() }
        var counted = 0
        var after: Int64 = 0
        while true {
            let events = try await database.read { try await $0.analytics.recountBatch(after: after, limit: batch) }
            guard let last = events.last else { return counted }
            try await database.write { try await $0.analytics.count(events.map { ($0.keys, $0.dimensions, $0.day) }) }
            counted += events.count
            after = last.id
            progress(counted)
        }
    }
}

extension AnalyticsService {
    /// The documents created in the period that recipients looked at most (`by_views`) and the
    /// largest that were accepted, signed or paid (`by_conversions`), `limit` of each (1–50, default 10).
    public func top(parameters: [String: String]) async throws -> (period: Period, byViews: [Document], byConversions: [Document]) {
        var reader = QueryReader(parameters)
        let period = Period(&reader, days: database.days)
        var limit = 10
        if let text = reader.value("limit") {
            if let number = Int(text), (1...50).contains(number) { limit = number } else {
                reader.report("limit", .outOfRange, "limit must be a whole number from 1 to 50.")
            }
        }
        reader.refuseOthers(than: Period.parameters.union(["limit"]))
        try reader.finish()
        return try await database.read { tx in
            var lists: [[Document]] = []
            for converted in [false, true] {
                let ids = try await tx.analytics.top(from: period.first, to: period.last, filters: period.filters, converted: converted, limit: limit)
                lists.append(try await tx.documents.find(ids: ids))
            }
            return (period, lists[0], lists[1])
        }
    }
}
