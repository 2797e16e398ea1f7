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
    var files: [AttachedFile] = []

    /// The message's bytes, lines ending in CRLF. Bodies are handled as bytes, never as `String`:
    /// String searching and splitting was most of the worker's time on a batch.
    func bytes() -> Data {
        var headers = [
            "Message-ID: <\(messageID)>",
            "Date: \(Self.rfc5322Date(date))",
            "From: \(Self.header(from))",
            "To: \(Self.header(to))",
        ]
        if !cc.isEmpty { headers.append("Cc: " + cc.joined(separator: ",\r\n ")) }
        headers += ["Subject: \(Self.encodedWord(subject))", "MIME-Version: 1.0"]
        var message = Data(capacity: (text.utf8.count + (html?.utf8.count ?? 0)) * 4 / 3 + 2048)
        message.appendLines(headers)
        // A boundary is ASCII (RFC 2046); bytes, not Characters: no Unicode tables per message.
        let boundary = "=_engage_" + String(decoding: messageID.utf8.prefix { $0 != UInt8(ascii: "@") }.filter(\.isASCIIAlphanumeric), as: UTF8.self)
        if !files.isEmpty {
            // The files follow the body in a multipart/mixed of their own.
            let mixed = boundary + "_mixed"
            message.appendLines(["Content-Type: multipart/mixed; boundary=\"\(mixed)\"", "", "This is a multi-part message in MIME format.", ""])
            message.appendLines(["--\(mixed)"])
            appendBody(to: &message, boundary: boundary)
            for file in files {
                let name = file.filename.filter { $0.isASCII && $0 != "\"" && $0 != "\\" && !$0.isNewline }
                message.appendLines([
                    "--\(mixed)", "Content-Type: \(file.contentType); name=\"\(name)\"", "Content-Disposition: attachment; filename=\"\(name)\"",
                    "Content-Transfer-Encoding: base64", "",
                ])
                message.append(file.bytes.base64EncodedData(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed]))
                message.appendLines(["", ""])
            }
            message.appendLines(["--\(mixed)--"])
        } else {
            appendBody(to: &message, boundary: boundary)
        }
        return message
    }

    /// The text, or the text and the HTML as `multipart/alternative`, headers included.
    private func appendBody(to message: inout Data, boundary: String) {
        if let html {
            message.appendLines(["Content-Type: multipart/alternative; boundary=\"\(boundary)\"", "", "This is a multi-part message in MIME format.", ""])
            message.appendLines(["--\(boundary)"])
            Self.appendPart(text, type: "text/plain", to: &message)
            message.appendLines(["--\(boundary)"])
            Self.appendPart(html, type: "text/html", to: &message)
            message.appendLines(["--\(boundary)--"])
        } else {
            Self.appendPart(text, type: "text/plain", to: &message)
        }
    }

    /// A part's headers, then its content with CRLF line ends in base64 lines of 76 characters.
    private static func appendPart(_ content: String, type: String, to message: inout Data) {
        message.appendLines(["Content-Type: \(type); charset=utf-8", "Content-Transfer-Encoding: base64", ""])
        message.append(crlfLines(content).base64EncodedData(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed]))
        message.appendLines(["", ""])
    }

    /// The UTF-8 of `text` with every bare LF made CRLF.
    static func crlfLines(_ text: String) -> Data {
        var text = text
        return text.withUTF8 { utf8 in
            // Copied a line at a time into an array (appending to Data costs far more); a byte at
            // a time was 3% of the outbox worker.
            var bytes: [UInt8] = []
            bytes.reserveCapacity(utf8.count + 256)
            var lineStart = 0
            for index in utf8.indices where utf8[index] == UInt8(ascii: "\n") && (index == 0 || utf8[index - 1] != UInt8(ascii: "\r")) {
                bytes.append(contentsOf: utf8[lineStart..<index])
                bytes.append(UInt8(ascii: "\r"))
                lineStart = index
            }
            bytes.append(contentsOf: utf8[lineStart...])
            return Data(bytes)
        }
    }

    /// `"Name" <email>` with the name encoded when it is not plain ASCII.
    private static func header(_ address: Address) -> String {
        guard let name = address.name, !name.isEmpty else { return "<\(address.email)>" }
        let plain = name.utf8.allSatisfy { $0.isASCIIAlphanumeric || $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
        return (plain ? "\"\(name)\"" : encodedWord(name)) + " <\(address.email)>"
    }

    /// Header text as it is when plain printable ASCII, otherwise RFC 2047 `=?UTF-8?B?…?=` words of
    /// at most 75 characters each, split between characters, never inside one.
    static func encodedWord(_ text: String) -> String {
        let breaksLine = text.utf8.contains { $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") }
        let singleLine = breaksLine ? text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ") : text
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

    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Sun, 22 Nov 2026 22:24:51 +0000`, from calendar fields (a formatter, even `String(format:)`, was a visible cost).
    static func rfc5322Date(_ date: Date) -> String {
        let parts = Calendar.utc.dateComponents([.weekday, .day, .month, .year, .hour, .minute, .second], from: date)
        func twoDigits(_ number: Int?) -> String { number! < 10 ? "0\(number!)" : "\(number!)" }
        return "\(Self.weekdays[parts.weekday! - 1]), \(twoDigits(parts.day)) \(Self.months[parts.month! - 1]) \(parts.year!) "
            + "\(twoDigits(parts.hour)):\(twoDigits(parts.minute)):\(twoDigits(parts.second)) +0000"
    }
}

extension MIMEMessage {
    /// The email of an outbox message, dated now.
    init(_ message: OutboxMessage, from sender: MailSender, date: Date = Date()) {
        self.init(
            messageID: message.messageID, from: .init(email: sender.address, name: sender.name),
            to: .init(email: message.recipient, name: message.recipientName), cc: message.cc,
            subject: message.subject ?? "", text: message.textBody, html: message.htmlBody, date: date, files: message.files)
    }
}

extension Data {
    /// Appends each line followed by CRLF.
    fileprivate mutating func appendLines(_ lines: [String]) {
        for line in lines {
            append(contentsOf: line.utf8)
            append(contentsOf: [UInt8(ascii: "\r"), UInt8(ascii: "\n")])
        }
    }
}
