import Foundation

/// The documents created in a period, at a glance: how many per status and type, their amounts
/// per currency, how far recipients took them and how fast.
public struct AnalyticsOverview: Sendable, Equatable {
    public let period: AnalyticsService.Period
    /// Live documents created in the period.
    public let documents: Int64
    public let byStatus: [DocumentStatus: Int64]
    public let byType: [DocumentType: Int64]
    public let financial: [Money]
    /// Documents that reached each step: sent, viewed, downloaded, accepted, signed, paid.
    public let reached: [String: Int64]
    public let firstView: Delay
    public let signature: Delay

    /// Amounts of one currency, exact: all, accepted (accepted or signed, not yet paid), pending
    /// (awaiting the recipient: pending to downloaded) and paid.
    public struct Money: Sendable, Equatable {
        public let currency: String
        public var total: Decimal = 0
        public var accepted: Decimal = 0
        public var pending: Decimal = 0
        public var paid: Decimal = 0
    }

    /// How long from sent to a step: the median and the 90th percentile (nearest rank), each to
    /// within 9% (they are read from buckets 2^(1/8) seconds wide), over `documents`.
    public struct Delay: Sendable, Equatable {
        public let documents: Int64
        public let median: Int?
        public let p90: Int?

        init(buckets: [Int: Int64]) {
            documents = buckets.values.reduce(0, +)
            median = Self.percentile(0.5, buckets, documents)
            p90 = Self.percentile(0.9, buckets, documents)
        }

        /// The seconds a bucket stands for: its geometric middle (bucket 0 is no delay).
        static func seconds(ofBucket bucket: Int) -> Int {
            bucket == 0 ? 0 : Int(pow(2, (Double(bucket) - 0.5) / 8).rounded())
        }

        private static func percentile(_ p: Double, _ buckets: [Int: Int64], _ count: Int64) -> Int? {
            guard count > 0 else { return nil }
            let rank = Int64((p * Double(count)).rounded(.up))
            var seen: Int64 = 0
            for bucket in buckets.keys.sorted() {
                seen += buckets[bucket] ?? 0
                if seen >= rank { return seconds(ofBucket: bucket) }
            }
            return nil
        }
    }

    /// `reached[step] / reached["sent"]`, nil when nothing was sent.
    public func rate(_ step: String) -> Double? {
        guard let sent = reached["sent"], sent > 0 else { return nil }
        return Double(reached[step] ?? 0) / Double(sent)
    }

    public static let steps = ["sent", "viewed", "downloaded", "accepted", "signed", "paid"]
}

extension AnalyticsService {
    /// The calendar periods an overview may cover, each up to today: `today`, this ISO `week`,
    /// `month`, `quarter` or `year`; without one, the 30 days ending today.
    public enum CalendarPeriod: String, Sendable, CaseIterable {
        case today, week, month, quarter, year
    }

    /// The overview of `period` (or `date_from`/`date_to`) and, with `compare=true`, of the
    /// period of the same length just before it.
    public func overview(parameters: [String: String], today: Date = Date()) async throws -> (current: AnalyticsOverview, previous: AnalyticsOverview?) {
        var reader = QueryReader(parameters)
        let days = database.days
        let named = reader.choice("period", CalendarPeriod.self)
        if named != nil, reader.value("date_from") != nil || reader.value("date_to") != nil {
            reader.report("period", .invalidValue, "Give a period or date_from and date_to, not both.")
        }
        var period = Period(&reader, days: days, today: today)
        if let named { period = period.with(first: Self.start(of: named, today: days.day(of: today), days: days), last: days.day(of: today)) }
        let compare = reader.value("compare").map { $0 == "true" || $0 == "1" } ?? false
        if let text = reader.value("compare"), !["true", "false", "1", "0"].contains(text) {
            reader.report("compare", .invalidFormat, "compare must be true or false.")
        }
        reader.refuseOthers(than: Period.parameters.union(["period", "compare"]))
        try reader.finish()
        let current = try await overview(of: period)
        guard compare else { return (current, nil) }
        let length = days.count(from: period.first, to: period.last)
        let last = days.day(of: days.start(of: period.first).addingTimeInterval(-43_200))
        let first = days.day(of: days.start(of: last).addingTimeInterval(-Double(length - 1) * 86_400 + 43_200))
        return (current, try await overview(of: period.with(first: first, last: last)))
    }

    private func overview(of period: Period) async throws -> AnalyticsOverview {
        try await database.read(consistent: true) { tx in
            let rows = try await tx.analytics.documents(from: period.first, to: period.last, filters: period.filters)
            let reached = try await tx.analytics.reached(from: period.first, to: period.last, filters: period.filters)
            let delays = try await tx.analytics.delays(from: period.first, to: period.last, filters: period.filters)
            var byStatus = Dictionary(uniqueKeysWithValues: DocumentStatus.allCases.map { ($0, Int64(0)) })
            var byType = Dictionary(uniqueKeysWithValues: DocumentType.allCases.map { ($0, Int64(0)) })
            var money: [String: AnalyticsOverview.Money] = [:]
            for row in rows {
                guard let status = DocumentStatus(rawValue: row.status), let type = DocumentType(rawValue: row.type) else { continue }
                byStatus[status, default: 0] += row.documents
                byType[type, default: 0] += row.documents
                var amounts = money[row.currency] ?? .init(currency: row.currency)
                amounts.total += row.amount
                switch status {
                case .accepted, .signed: amounts.accepted += row.amount
                case .paid: amounts.paid += row.amount
                case _ where DocumentLifecycle.awaitsDecision(status) && status != .draft: amounts.pending += row.amount
                default: break
                }
                money[row.currency] = amounts
            }
            return AnalyticsOverview(
                period: period, documents: byStatus.values.reduce(0, +), byStatus: byStatus, byType: byType,
                financial: money.values.sorted { $0.currency < $1.currency },
                reached: Dictionary(uniqueKeysWithValues: AnalyticsOverview.steps.map { ($0, reached[$0] ?? 0) }),
                firstView: .init(buckets: delays["first_view"] ?? [:]), signature: .init(buckets: delays["signature"] ?? [:]))
        }
    }

    /// The first day of the calendar period that contains `today`.
    private static func start(of period: CalendarPeriod, today: CalendarDate, days: LocalDays) -> CalendarDate {
        switch period {
        case .today: today
        case .week: days.weekStart(of: today)
        case .month: CalendarDate(year: today.year, month: today.month, day: 1)
        case .quarter: CalendarDate(year: today.year, month: (today.month - 1) / 3 * 3 + 1, day: 1)
        case .year: CalendarDate(year: today.year, month: 1, day: 1)
        }
    }
}

extension AnalyticsService.Period {
    /// The same filters over other days.
    func with(first: CalendarDate, last: CalendarDate) -> AnalyticsService.Period {
        AnalyticsService.Period(first: first, last: last, filters: filters)
    }
}

extension LocalDays {
    /// Days from `first` to `last`, both included.
    func count(from first: CalendarDate, to last: CalendarDate) -> Int {
        Int((start(of: last).timeIntervalSince(start(of: first)) / 86_400).rounded()) + 1
    }
}
