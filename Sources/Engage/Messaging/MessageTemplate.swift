import Foundation

/// A message template: a subject (email only) and a body in Markdown (email) or plain text (SMS),
/// with `{{placeholder}}` slots.
public struct MessageTemplate: Sendable, Equatable {
    public let channel: MessageChannel
    public let purpose: MessagePurpose
    public let language: Language
    public let subject: String?
    public let body: String
    /// When staff changed it last; nil for the default shipped under `Templates/`.
    public let updatedAt: Date?

    public init(channel: MessageChannel, purpose: MessagePurpose, language: Language, subject: String?, body: String, updatedAt: Date? = nil) {
        self.channel = channel
        self.purpose = purpose
        self.language = language
        self.subject = subject
        self.body = body
        self.updatedAt = updatedAt
    }

    /// True when staff edited it.
    public var isCustomized: Bool { updatedAt != nil }

    /// Reads a default file: for email a `subject: …` first line, a blank line, then the body.
    static func parse(file text: String, channel: MessageChannel, purpose: MessagePurpose, language: Language) -> MessageTemplate {
        guard channel == .email, text.hasPrefix("subject:") else {
            return MessageTemplate(channel: channel, purpose: purpose, language: language, subject: nil, body: text)
        }
        let firstLine = text.prefix { $0 != "\n" }
        let subject = firstLine.dropFirst("subject:".count).trimmingCharacters(in: .whitespaces)
        let body = text.dropFirst(firstLine.count).trimmingCharacters(in: .newlines)
        return MessageTemplate(channel: channel, purpose: purpose, language: language, subject: subject, body: body)
    }
}

/// The values a template's placeholders stand for.
public struct MessageValues: Sendable, Equatable {
    public var recipientName: String
    public var documentTitle: String
    public var amount: String
    public var dueDate: String
    public var link: String
    public var senderName: String
    public var message: String
    /// A one-time code (the verification template's own).
    public var code = ""

    /// Every placeholder by name.
    var byName: [String: String] {
        [
            "recipient_name": recipientName, "document_title": documentTitle, "amount": amount, "due_date": dueDate,
            "link": link, "sender_name": senderName, "message": message, "code": code,
        ]
    }

    /// The values for `document` in `language`: amounts and dates as readers of that language write them.
    static func of(
        _ document: Document, recipientName: String?, link: String, senderName: String, message: String?, language: Language
    ) -> MessageValues {
        MessageValues(
            recipientName: recipientName ?? document.recipientName ?? "",
            documentTitle: document.title,
            amount: document.totalAmount.map { Self.amount($0, currency: document.currency, language: language) } ?? "",
            dueDate: document.dueDate.map { Self.date($0, language: language) } ?? "",
            link: link, senderName: senderName, message: message ?? document.customMessage ?? "")
    }

    static func amount(_ amount: Decimal, currency: String, language: Language) -> String {
        let formatter = NumberFormatter()
        formatter.locale = language.locale
        formatter.numberStyle = .currency
        formatter.currencyCode = currency
        return formatter.string(from: NSDecimalNumber(decimal: amount)) ?? "\(amount) \(currency)"
    }

    static func date(_ date: CalendarDate, language: Language) -> String {
        let formatter = DateFormatter()
        formatter.locale = language.locale
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateStyle = .long
        formatter.timeStyle = .none
        return formatter.string(from: date.startOfDay)
    }
}

/// `{{name}}` slots in template text.
public enum Placeholders {
    /// The names a template may use.
    public static let names = ["recipient_name", "document_title", "amount", "due_date", "link", "sender_name", "message", "code"]

    /// `text` with each known placeholder replaced by its value passed through `escape`; `{{link}}` is
    /// never escaped (it is our own URL, and Markdown autolinks take no escapes).
    static func fill(_ text: String, with values: MessageValues, escape: (String) -> String = { $0 }) -> String {
        let byName = values.byName
        var result = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            result += rest[..<open.lowerBound]
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if let value = byName[name] {
                result += name == "link" ? value : escape(value)
            } else {
                result += rest[open.lowerBound..<close.upperBound]
            }
            rest = rest[close.upperBound...]
        }
        return result + rest
    }

    /// The `{{…}}` names in `text` that are not placeholders.
    static func unknown(in text: String) -> [String] {
        var found: [String] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if !names.contains(name), !found.contains(name) { found.append(name) }
            rest = rest[close.upperBound...]
        }
        return found
    }

    /// `value` as literal Markdown text: punctuation escaped so a name like `*Acme*` stays as written,
    /// line breaks kept as hard breaks and blank lines as paragraphs.
    static func markdownLiteral(_ value: String) -> String {
        let punctuation = Set("\\!\"#$%&'()*+,-./:;<=>?@[]^_`{|}~")
        let paragraphs = value.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n\n")
        return paragraphs.map { paragraph in
            paragraph.split(separator: "\n", omittingEmptySubsequences: true).map { line in
                var escaped = ""
                for character in line.trimmingCharacters(in: .whitespaces) {
                    if punctuation.contains(character) { escaped.append("\\") }
                    escaped.append(character)
                }
                return escaped
            }.joined(separator: "\\\n")
        }.filter { !$0.isEmpty }.joined(separator: "\n\n")
    }
}

extension MessageTemplate: JSONWritable {
    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.key("channel"); w.value(channel.rawValue)
        w.key("purpose"); w.value(purpose.rawValue)
        w.key("language"); w.value(language.rawValue)
        w.key("subject"); w.value(subject)
        w.key("body"); w.value(body)
        w.key("customized"); w.value(isCustomized)
        w.key("updated_at"); w.value(updatedAt)
        w.endObject()
    }
}
