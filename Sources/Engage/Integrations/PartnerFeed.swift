import Foundation

/// A document as a partner describes it, checked and ready to import.
struct ImportedDocument: Sendable, Equatable {
    let externalID: String
    let type: DocumentType
    /// The partner's own number (F-2025-001), kept in the metadata.
    let number: String?
    let title: String
    let amount: Decimal?
    let currency: String
    let dueDate: CalendarDate?
    let externalURL: String?
    let pdfURL: String?
    /// The status the partner's state means here; the lifecycle decides whether it applies.
    let status: DocumentStatus
    /// The partner's id of the customer, when the item names one.
    let customerID: String?
}

/// A partner's customer: a company becomes an organization, a person a contact.
struct ImportedCustomer: Sendable, Equatable {
    let externalID: String
    let isCompany: Bool
    let name: String
    let email: String?
}

/// An item a page carried that cannot be imported, and why.
struct ItemProblem: Error, Sendable, Equatable {
    let externalID: String?
    let message: String
}

/// One page of a partner's list, read.
struct FeedPage: Sendable {
    var items: [Result<ImportedDocument, ItemProblem>]
    /// Customers the page describes itself (ProjectFlow's clients); others are fetched by id.
    var customers: [ImportedCustomer] = []
    /// Where the next page starts; nil after the last.
    var next: String?
    /// Items in the whole list, when the partner says.
    var total: Int?
}

/// How one partner's API is read: the lists a sync walks through in order ("stages"), their
/// pages, the customers they refer to, and the cheap call that tests a connection.
protocol PartnerFeed: Sendable {
    var stages: [String] { get }
    /// The address of a page of `stage` from `cursor` (nil: the first), changed since `since` (nil: all).
    func pageURL(stage: String, cursor: String?, since: Date?) -> String
    func page(_ body: Data, stage: String) throws(PartnerFailure) -> FeedPage
    /// The address that describes the customers with these ids; nil when pages carry them.
    func customersURL(ids: [String]) -> String?
    func customers(_ body: Data) throws(PartnerFailure) -> [ImportedCustomer]
    /// A cheap call that needs a valid token.
    var probeURL: String { get }
    /// Who the token belongs to, from the probe's answer.
    func account(_ body: Data) -> String?
    /// The call that writes a document's status back, when the partner takes it.
    func pushRequest(type: DocumentType, externalID: String, status: DocumentStatus) -> (method: String, url: String, body: Data)?
}

/// Reading partners' JSON loosely typed: ids as text or numbers, amounts as text or numbers.
enum PartnerJSON {
    static func decode(_ body: Data, partner: Partner) throws(PartnerFailure) -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: body)
        } catch {
            throw PartnerFailure(kind: .rejected, description: "\(partner.displayName) answered something that is not JSON.")
        }
    }

    static func identifier(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text)? where !text.isEmpty && text.count <= 191: text
        case .number(let number)?: InputReader.wholeNumber(number).map(String.init)
        default: nil
        }
    }

    static func text(_ value: JSONValue?) -> String? {
        guard case .string(let text)? = value else { return nil }
        let trimmed = text.trimmingWhitespace()
        return trimmed.isEmpty ? nil : trimmed
    }

    /// An amount as DECIMAL(15,2) holds it; throws when it is not one.
    static func amount(_ value: JSONValue?) throws(ItemProblemText) -> Decimal? {
        let decimal: Decimal?
        switch value {
        case nil, .null?: return nil
        case .number(let number)?: decimal = number
        case .string(let text)?: decimal = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
        default: decimal = nil
        }
        guard let decimal, !decimal.isNaN, abs(decimal) < 10_000_000_000_000 else {
            throw ItemProblemText("the amount is not a number DECIMAL(15,2) can hold")
        }
        var rounded = Decimal()
        var source = decimal
        NSDecimalRound(&rounded, &source, 2, .plain)
        return rounded
    }

    static func currency(_ value: JSONValue?) throws(ItemProblemText) -> String {
        guard let code = text(value)?.uppercased() else { return "EUR" }
        guard currencies.contains(code) else { throw ItemProblemText("the currency \(code) is not an ISO 4217 code") }
        return code
    }

    static func date(_ value: JSONValue?) throws(ItemProblemText) -> CalendarDate? {
        guard let text = text(value) else { return nil }
        guard let date = CalendarDate(String(text.prefix(10))) else { throw ItemProblemText("the date \(text) is not YYYY-MM-DD") }
        return date
    }

    static func webAddress(_ value: JSONValue?) -> String? {
        text(value).flatMap { $0.count <= 2048 && WebAddress.isValid($0) ? $0 : nil }
    }

    /// `date` as the partners' filters take it (UTC, seconds).
    static func timestamp(_ date: Date) -> String {
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withInternetDateTime]
        return format.string(from: date)
    }

    /// `text` percent-encoded for a query value.
    static func query(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    private static let currencies = Set(Locale.commonISOCurrencyCodes)
}

/// Why one field of an item cannot be read.
struct ItemProblemText: Error {
    let text: String
    init(_ text: String) { self.text = text }
}
