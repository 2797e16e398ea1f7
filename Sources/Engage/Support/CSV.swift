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

    /// A timestamp as ISO 8601 in UTC, or empty.
    static func time(_ date: Date?) -> String {
        date.map(ISOTimestamp.string) ?? ""
    }
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
    public static func cells(_ document: Document) -> [String] {
        [
            String(document.id), document.documentNumber, document.documentType.rawValue, document.status.rawValue,
            document.title, document.externalSource?.rawValue ?? "", document.externalID ?? "",
            document.recipientName ?? "", document.recipientEmail ?? "", document.recipientCompany ?? "",
            document.contactID.map(String.init) ?? "", document.organizationID.map(String.init) ?? "",
            document.totalAmount.map(Money.format) ?? "", document.currency, document.dueDate?.description ?? "",
            String(document.viewCount), CSV.time(document.firstViewedAt), CSV.time(document.sentAt),
            CSV.time(document.acceptedAt), CSV.time(document.signedAt), CSV.time(document.paidAt),
            CSV.time(document.createdAt), CSV.time(document.updatedAt),
        ]
    }

    /// The organizations export's header.
    public static let organizationHeader = ["id"] + ProfileField.organization.map(\.name) + ["created_at"]

    /// An organization's cells, in `organizationHeader` order.
    public static func cells(_ organization: Organization) -> [String] {
        [String(organization.id)] + ProfileField.organization.map { organization.fields[$0.name] ?? "" }
            + [CSV.time(organization.createdAt)]
    }

    /// The contacts export's header.
    public static let contactHeader = ["id", "organization_id", "organization_name"] + ProfileField.contact.map(\.name) + ["created_at"]

    /// A contact's cells, in `contactHeader` order.
    public static func cells(_ contact: Contact) -> [String] {
        [String(contact.id), contact.organizationID.map(String.init) ?? "", contact.organizationName ?? ""]
            + ProfileField.contact.map { contact.fields[$0.name] ?? "" } + [CSV.time(contact.createdAt)]
    }
}
