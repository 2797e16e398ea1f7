import Foundation

/// An email as the bytes an SMTP server receives (RFC 5322 with MIME): `multipart/alternative`
/// with a plain-text and an HTML part, both UTF-8 in base64, and headers encoded per RFC 2047.
struct MIMEMessage {
    struct Address {
        let email: String
        let name: String?
    }

    let messageID: String
    let from: Address
    let to: Address
    let cc: [String]
    let subject: String
    let text: String
    let html: String?
    let date: Date

    /// The message's bytes, lines ending in CRLF.
    func bytes() -> Data {
        var headers = [
            "Message-ID: <\(messageID)>",
            "Date: \(Self.rfc5322Date(date))",
            "From: \(Self.header(from))",
            "To: \(Self.header(to))",
        ]
        if !cc.isEmpty { headers.append("Cc: " + cc.joined(separator: ",\r\n ")) }
        headers += ["Subject: \(Self.encodedWord(subject))", "MIME-Version: 1.0"]
        var lines = headers
        if let html {
            let boundary = "=_engage_" + messageID.prefix { $0 != "@" }.filter { $0.isLetter || $0.isNumber }
            lines += ["Content-Type: multipart/alternative; boundary=\"\(boundary)\"", "", "This is a multi-part message in MIME format.", ""]
            lines += ["--\(boundary)"] + Self.part(text, type: "text/plain")
            lines += ["--\(boundary)"] + Self.part(html, type: "text/html")
            lines += ["--\(boundary)--", ""]
        } else {
            lines += Self.part(text, type: "text/plain")
        }
        return Data(lines.joined(separator: "\r\n").utf8)
    }

    private static func part(_ content: String, type: String) -> [String] {
        let normalized = content.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        return ["Content-Type: \(type); charset=utf-8", "Content-Transfer-Encoding: base64", ""]
            + Data(normalized.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
                .components(separatedBy: "\r\n")
            + [""]
    }

    /// `"Name" <email>` with the name encoded when it is not plain ASCII.
    private static func header(_ address: Address) -> String {
        guard let name = address.name, !name.isEmpty else { return "<\(address.email)>" }
        let plain = name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == " " || $0 == "." || $0 == "-") }
        return (plain ? "\"\(name)\"" : encodedWord(name)) + " <\(address.email)>"
    }

    /// Header text as it is when plain printable ASCII, otherwise RFC 2047 `=?UTF-8?B?…?=` words of
    /// at most 75 characters each, split between characters, never inside one.
    static func encodedWord(_ text: String) -> String {
        let singleLine = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        if singleLine.allSatisfy({ $0.isASCII && !$0.isNewline }), !singleLine.contains("=?"), singleLine.count <= 900 {
            return singleLine
        }
        var words: [String] = []
        var chunk = Data()
        for character in singleLine {
            let bytes = Data(String(character).utf8)
            // 45 bytes of UTF-8 make 60 base64 characters: 72 with "=?UTF-8?B?" and "?=".
            if chunk.count + bytes.count > 45 {
                words.append("=?UTF-8?B?\(chunk.base64EncodedString())?=")
                chunk = Data()
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(chunk.base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }

    /// `Sun, 22 Nov 2026 22:24:51 +0000`, from calendar fields (a formatter per message was a visible cost).
    static func rfc5322Date(_ date: Date) -> String {
        let parts = Calendar.utc.dateComponents([.weekday, .day, .month, .year, .hour, .minute, .second], from: date)
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return String(
            format: "%@, %02d %@ %04d %02d:%02d:%02d +0000", weekdays[parts.weekday! - 1], parts.day!, months[parts.month! - 1],
            parts.year!, parts.hour!, parts.minute!, parts.second!)
    }
}

extension MIMEMessage {
    /// The email of an outbox message, dated now.
    init(_ message: OutboxMessage, from sender: MailSender, date: Date = Date()) {
        self.init(
            messageID: message.messageID, from: .init(email: sender.address, name: sender.name),
            to: .init(email: message.recipient, name: message.recipientName), cc: message.cc,
            subject: message.subject ?? "", text: message.textBody, html: message.htmlBody, date: date)
    }
}
