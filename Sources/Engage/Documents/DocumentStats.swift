import Foundation

/// Figures over the documents created in a period: counts, conversion rates and amounts.
public struct DocumentStats: Sendable, Equatable, Encodable {
    /// One group of the statistics query: documents of one status, type and currency.
    struct Row: Sendable {
        let status: DocumentStatus
        let type: DocumentType
        let currency: String
        let documents: Int
        let amount: Decimal
        let viewed: Int
        let downloaded: Int
        let sent: Int
        let accepted: Int
        let signed: Int
    }

    /// Shares of the sent documents that went further, from 0 to 1 (4 decimals).
    public struct Rates: Sendable, Equatable, Encodable {
        public let viewRate: Double
        public let downloadRate: Double
        public let acceptanceRate: Double
        public let signatureRate: Double
        public let paymentRate: Double

        enum CodingKeys: String, CodingKey {
            case viewRate = "view_rate"
            case downloadRate = "download_rate"
            case acceptanceRate = "acceptance_rate"
            case signatureRate = "signature_rate"
            case paymentRate = "payment_rate"
        }
    }

    /// The money of one currency, split by how far the documents got.
    public struct Amounts: Sendable, Equatable, Encodable {
        public let currency: String
        /// Every document's amount.
        public let total: Decimal
        /// Documents waiting for the recipient: pending, sent, viewed, downloaded.
        public let pending: Decimal
        /// Documents the recipient agreed to: accepted, signed, paid.
        public let accepted: Decimal
        public let paid: Decimal
    }

    public let total: Int
    /// Every status with its count, zeros included.
    public let byStatus: [String: Int]
    /// Every type with its count, zeros included.
    public let byType: [String: Int]
    /// Documents that reached the recipient (sent, or any later or closing status after sending).
    public let sent: Int
    public let conversion: Rates
    public let amounts: [Amounts]

    enum CodingKeys: String, CodingKey {
        case total, sent, conversion, amounts
        case byStatus = "by_status"
        case byType = "by_type"
    }

    private static let reachedRecipient: Set<DocumentStatus> = [.sent, .viewed, .downloaded, .accepted, .signed, .paid, .rejected, .expired]
    private static let agreed: Set<DocumentStatus> = [.accepted, .signed, .paid]
    private static let signedOrPaid: Set<DocumentStatus> = [.signed, .paid]
    private static let waiting: Set<DocumentStatus> = [.pending, .sent, .viewed, .downloaded]

    init(rows: [Row]) {
        var byStatus = Dictionary(uniqueKeysWithValues: DocumentStatus.allCases.map { ($0.rawValue, 0) })
        var byType = Dictionary(uniqueKeysWithValues: DocumentType.allCases.map { ($0.rawValue, 0) })
        var sent = 0, viewed = 0, downloaded = 0, accepted = 0, signed = 0, paid = 0
        var amounts: [String: (total: Decimal, pending: Decimal, accepted: Decimal, paid: Decimal)] = [:]
        for row in rows {
            byStatus[row.status.rawValue, default: 0] += row.documents
            byType[row.type.rawValue, default: 0] += row.documents
            // A status further along implies the earlier steps even when no stamp was recorded.
            sent += Self.reachedRecipient.contains(row.status) ? row.documents : row.sent
            viewed += row.viewed
            downloaded += row.downloaded
            accepted += Self.agreed.contains(row.status) ? row.documents : row.accepted
            signed += Self.signedOrPaid.contains(row.status) ? row.documents : row.signed
            paid += row.status == .paid ? row.documents : 0
            var money = amounts[row.currency] ?? (0, 0, 0, 0)
            money.total += row.amount
            if Self.waiting.contains(row.status) { money.pending += row.amount }
            if Self.agreed.contains(row.status) { money.accepted += row.amount }
            if row.status == .paid { money.paid += row.amount }
            amounts[row.currency] = money
        }
        func rate(_ count: Int) -> Double {
            sent == 0 ? 0 : (Double(min(count, sent)) / Double(sent) * 10_000).rounded() / 10_000
        }
        self.total = byStatus.values.reduce(0, +)
        self.byStatus = byStatus
        self.byType = byType
        self.sent = sent
        self.conversion = Rates(
            viewRate: rate(viewed), downloadRate: rate(downloaded), acceptanceRate: rate(accepted),
            signatureRate: rate(signed), paymentRate: rate(paid))
        self.amounts = amounts.keys.sorted().map { currency in
            let money = amounts[currency]!
            return Amounts(currency: currency, total: money.total, pending: money.pending, accepted: money.accepted, paid: money.paid)
        }
    }
}
