import Foundation

/// The standard fields of a lead besides its email (Publitrac's `leadInfo`), named in snake_case
/// as the API and the columns have them; a sync may spell them in camelCase.
public enum LeadStandardField: String, CaseIterable, Sendable {
    case crmLeadID = "crm_lead_id"
    case jobTitle = "job_title"
    case firstName = "first_name"
    case lastName = "last_name"
    case phone
    case company

    /// The seed's spelling (`crmLeadId`, `jobTitle`, …).
    public var camelName: String {
        switch self {
        case .crmLeadID: "crmLeadId"
        case .jobTitle: "jobTitle"
        case .firstName: "firstName"
        case .lastName: "lastName"
        case .phone: "phone"
        case .company: "company"
        }
    }

    public var label: String {
        switch self {
        case .crmLeadID: "CRM lead id"
        case .jobTitle: "Job title"
        case .firstName: "First name"
        case .lastName: "Last name"
        case .phone: "Phone"
        case .company: "Company"
        }
    }

    /// The column's width.
    var maxLength: Int {
        switch self {
        case .crmLeadID: 100
        case .jobTitle, .company: 200
        case .firstName, .lastName: 100
        case .phone: 40
        }
    }
}

/// What a custom field holds, decided by the first value it is given.
public enum LeadFieldType: String, CaseIterable, Sendable {
    case text, number, date, boolean

    /// The type a field takes from its first value: a JSON number is a number, a JSON boolean a
    /// boolean, a `YYYY-MM-DD` string a date, any other string text.
    static func firstSight(of value: JSONValue) -> LeadFieldType {
        switch value {
        case .number: .number
        case .bool: .boolean
        case .string(let text) where CalendarDate(text) != nil: .date
        default: .text
        }
    }

    /// `value` in this type's canonical text ("42.5", "2026-11-30", "true"), or the value's own
    /// text with `fits` false when it is not of this type (kept, and flagged).
    func canonical(_ value: JSONValue) -> (text: String, fits: Bool) {
        switch (self, value) {
        case (.text, _): (Self.text(of: value), true)
        case (.number, .number(let number)): ("\(number)", true)
        case (.number, .string(let text)):
            Self.number(in: text).map { ("\($0)", true) } ?? (text, false)
        case (.date, .string(let text)): (text, CalendarDate(text) != nil)
        case (.boolean, .bool(let flag)): (flag ? "true" : "false", true)
        case (.boolean, .string(let text)) where ["true", "false"].contains(text.lowercased()): (text.lowercased(), true)
        default: (Self.text(of: value), false)
        }
    }

    /// The canonical text as JSON: numbers and booleans as such, the rest as strings.
    func json(_ canonical: String) -> JSONValue {
        switch self {
        case .number: Decimal(string: canonical).map(JSONValue.number) ?? .string(canonical)
        case .boolean: .bool(canonical == "true")
        case .text, .date: .string(canonical)
        }
    }

    /// A value's own text: what a text field keeps, and what a value that does not fit is kept as.
    static func text(of value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .number(let number): "\(number)"
        case .bool(let flag): flag ? "true" : "false"
        default: ""
        }
    }

    /// Plain decimal digits with an optional sign and fraction ("-12.50"), nothing looser.
    private static func number(in text: String) -> Decimal? {
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              text.count <= 40
        else { return nil }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }
}

/// A custom field: its name as first given, its type and how many leads have a value for it.
public struct LeadCustomField: Sendable, Equatable {
    public let id: Int64
    public let name: String
    public let type: LeadFieldType
    public var usage: Int = 0
    public var createdAt: Date? = nil
}

extension LeadCustomField: JSONWritable {
    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.key("name"); w.value(name)
        w.key("type"); w.value(type.rawValue)
        w.key("usage_count"); w.value(usage)
        w.key("created_at"); w.value(createdAt)
        w.endObject()
    }
}
