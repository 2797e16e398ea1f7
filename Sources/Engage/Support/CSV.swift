import Foundation

/// RFC 4180 CSV that Excel and LibreOffice open correctly: UTF-8 with a byte-order mark, CRLF
/// line ends, quoted cells where needed, and formula-looking cells neutralised.
public enum CSV {
    /// Written first so that Excel reads the file as UTF-8 (accents intact).
    public static let byteOrderMark = "\u{FEFF}"

    /// One line: cells separated by commas, ended by CRLF.
    public static func line(_ cells: [String]) -> String {
        cells.map(cell).joined(separator: ",") + "\r\n"
    }

    /// One cell, quoted when it holds a comma, quote or line break.
    ///
    /// A cell starting with `=`, `+`, `-`, `@`, tab or carriage return would run as a formula in
    /// a spreadsheet (CSV injection), so it is prefixed with an apostrophe, as OWASP advises.
    static func cell(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) {
            text = "'" + text
        }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// One value of an export, typed so that a workbook can keep numbers, amounts and dates as such.
public enum ExportCell: Sendable, Equatable {
    case text(String)
    case integer(Int64)
    /// Money: two decimals.
    case amount(Decimal)
    case date(CalendarDate)
    /// An instant, shown in UTC.
    case time(Date)
    case empty

    /// The cell as CSV writes it: amounts with two decimals and a dot, times in ISO 8601 UTC.
    public var text: String {
        switch self {
        case .text(let text): text
        case .integer(let number): String(number)
        case .amount(let amount): Money.format(amount)
        case .date(let day): day.description
        case .time(let date): ISOTimestamp.string(date)
        case .empty: ""
        }
    }

    static func text(_ value: String?) -> ExportCell { value.map(ExportCell.text) ?? .empty }
    static func integer(_ value: Int64?) -> ExportCell { value.map(ExportCell.integer) ?? .empty }
    static func time(_ value: Date?) -> ExportCell { value.map(ExportCell.time) ?? .empty }
}

/// The columns of each export and how a record fills them.
public enum Export {
    /// The documents export's header.
    public static let documentHeader = [
        "id", "document_number", "document_type", "status", "title", "external_source", "external_id",
        "recipient_name", "recipient_email", "recipient_company", "contact_id", "organization_id", "total_amount",
        "currency", "due_date", "view_count", "first_viewed_at", "sent_at", "accepted_at", "signed_at", "paid_at",
        "created_at", "updated_at",
    ]

    /// A document's cells, in `documentHeader` order.
    public static func cells(_ document: Document) -> [ExportCell] {
        [
            .integer(document.id), .text(document.documentNumber), .text(document.documentType.rawValue), .text(document.status.rawValue),
            .text(document.title), .text(document.externalSource?.rawValue), .text(document.externalID),
            .text(document.recipientName), .text(document.recipientEmail), .text(document.recipientCompany),
            .integer(document.contactID), .integer(document.organizationID),
            document.totalAmount.map(ExportCell.amount) ?? .empty, .text(document.currency), document.dueDate.map(ExportCell.date) ?? .empty,
            .integer(Int64(document.viewCount)), .time(document.firstViewedAt), .time(document.sentAt),
            .time(document.acceptedAt), .time(document.signedAt), .time(document.paidAt),
            .time(document.createdAt), .time(document.updatedAt),
        ]
    }

    /// The organizations export's header.
    public static let organizationHeader = ["id"] + ProfileField.organization.map(\.name) + ["created_at"]

    /// An organization's cells, in `organizationHeader` order.
    public static func cells(_ organization: Organization) -> [ExportCell] {
        [.integer(organization.id)] + ProfileField.organization.map { .text(organization.fields[$0.name]) } + [.time(organization.createdAt)]
    }

    /// The contacts export's header.
    public static let contactHeader = ["id", "organization_id", "organization_name"] + ProfileField.contact.map(\.name) + ["created_at"]

    /// A contact's cells, in `contactHeader` order.
    public static func cells(_ contact: Contact) -> [ExportCell] {
        [.integer(contact.id), .integer(contact.organizationID), .text(contact.organizationName)]
            + ProfileField.contact.map { .text(contact.fields[$0.name]) } + [.time(contact.createdAt)]
    }

    /// The events export's header, named as the events API names the fields.
    public static let eventHeader = [
        "id", "document_id", "event_type", "created_at", "device_type", "ip_address", "user_agent", "token_id", "user_id",
        "details", "chain_hash",
    ]

    /// An event's cells, in `eventHeader` order.
    public static func cells(_ event: DocumentEvent) -> [ExportCell] {
        [
            .integer(event.id), .integer(event.documentID), .text(event.eventType.rawValue), .time(event.createdAt),
            .text(event.deviceType?.rawValue), .text(event.ipAddress), .text(event.userAgent), .integer(event.linkID),
            .integer(event.userID), .text(event.evidence), .text(event.chainHash),
        ]
    }
}
