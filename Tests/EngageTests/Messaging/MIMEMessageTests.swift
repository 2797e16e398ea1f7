@testable import Engage
import Foundation
import Testing

/// The bytes of an email, built without `String` searching (the worker's hot path).
@Suite("MIME message")
struct MIMEMessageTests {
    let message = MIMEMessage(
        messageID: "0a1b-2c3d@engage.test", from: .init(email: "quotes@example.com", name: "Atelier Dupré"),
        to: .init(email: "jeanne@example.com", name: "Jeanne Martin"), cc: [], subject: "Votre devis : Rénovation",
        text: "Bonjour,\nligne deux\r\nligne trois\rfin", html: "<p>Bonjour</p>\n<p>\(String(repeating: "é", count: 200))</p>",
        date: Date(timeIntervalSince1970: 1_795_393_491))

    @Test("every line ends in CRLF, none is longer than 998 bytes, and the date is RFC 5322")
    func lines() throws {
        let bytes = [UInt8](message.bytes())
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            #expect(index > 0 && bytes[index - 1] == UInt8(ascii: "\r"), "bare LF at byte \(index)")
        }
        let lines = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 998 })
        #expect(lines.contains("Date: Mon, 23 Nov 2026 00:24:51 +0000"))
        #expect(lines.contains("Subject: =?UTF-8?B?\(Data("Votre devis : Rénovation".utf8).base64EncodedString())?="))
        #expect(lines.contains("From: =?UTF-8?B?\(Data("Atelier Dupré".utf8).base64EncodedString())?= <quotes@example.com>"))
        #expect(lines.last == "")
    }

    @Test("each part decodes to its content with CRLF line ends, bare CR left alone")
    func parts() throws {
        let text = String(decoding: message.bytes(), as: UTF8.self)
        let boundary = "--=_engage_0a1b2c3d"
        let parts = text.components(separatedBy: boundary + "\r\n").dropFirst().map { $0.components(separatedBy: "\r\n" + boundary)[0] }
        #expect(parts.count == 2)
        let decoded = try parts.map { part in
            let body = try #require(part.components(separatedBy: "\r\n\r\n").dropFirst().first)
            let base64Lines = body.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(base64Lines.dropLast().allSatisfy { $0.count == 76 })
            return String(decoding: try #require(Data(base64Encoded: base64Lines.joined())), as: UTF8.self)
        }
        #expect(decoded[0] == "Bonjour,\r\nligne deux\r\nligne trois\rfin")
        #expect(decoded[1] == "<p>Bonjour</p>\r\n<p>\(String(repeating: "é", count: 200))</p>")
        #expect(text.hasSuffix(boundary + "--\r\n"))
    }

    @Test("line ends are normalised byte by byte")
    func crlf() {
        #expect(MIMEMessage.crlfLines("a\nb\r\nc\r\r\nd\n\n") == Data("a\r\nb\r\nc\r\r\nd\r\n\r\n".utf8))
        #expect(MIMEMessage.crlfLines("") == Data())
        #expect(MIMEMessage.crlfLines("\nx\n") == Data("\r\nx\r\n".utf8))
        #expect(MIMEMessage.crlfLines("no line break, é") == Data("no line break, é".utf8))
    }
}
