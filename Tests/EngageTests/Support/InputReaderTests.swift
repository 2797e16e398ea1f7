@testable import Engage
import Foundation
import Testing

@Suite("Input reader")
struct InputReaderTests {
    @Test("JSON takes only true and false for a flag, and only numbers for ids; a form's text is read as a form means it")
    func jsonIsStrictFormsAreText() {
        var json = InputReader(Input(["a": .bool(true), "b": .string("on"), "c": .null, "d": .string("7"), "e": .number(7)]), allowed: ["a", "b", "c", "d", "e"])
        let jsonAnswers = (json.flag("a", label: "A"), json.flag("b", label: "B"), json.flag("c", label: "C"))
        let jsonIDs = (json.id("d", label: "D").value, json.id("e", label: "E").value)
        #expect(jsonAnswers == (true, false, false))
        #expect(jsonIDs == (nil, 7))
        #expect(json.problems.map(\.field) == ["b", "c", "d"])

        var form = InputReader(Input(form: ["a": "on", "b": "false", "c": "", "d": "7", "e": "maybe"]), allowed: ["a", "b", "c", "d", "e"])
        let formAnswers = (form.flag("a", label: "A"), form.flag("b", label: "B"), form.flag("c", label: "C"), form.flag("e", label: "E"))
        let formID = form.id("d", label: "D").value
        #expect(formAnswers == (true, false, false, false))
        #expect(formID == 7)
        #expect(form.problems.map(\.field) == ["e"])
    }

    @Test("text is trimmed of what Foundation's whitespacesAndNewlines trims, and of nothing else", arguments: [
        "", " ", "plain", "  both \t\n", "\u{A0}nbsp\u{3000}", "\u{2028}line\u{2029}", "\u{85}next\u{1680}",
        "\u{200B}zero width\u{200B}", "\u{FEFF}bom", "e\u{301} ", " \u{301}mark", "in  side", "\r\n\u{B}\u{C}",
    ])
    func trimming(text: String) {
        #expect(text.trimmingWhitespace() == text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test("every code point below U+3100 (where all white space lies) is trimmed exactly when Foundation trims it")
    func trimmingEveryCodePoint() {
        let differing = (0..<0x3100).compactMap(Unicode.Scalar.init).filter { scalar in
            let text = "\(scalar)x\(scalar)"
            return text.trimmingWhitespace() != text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(differing.isEmpty)
    }

    @Test("text length counts code points, as the column and JSON Schema do, not grapheme clusters")
    func lengthInCodePoints() {
        // "e" + combining acute is one character to Swift and two code points to MariaDB.
        let accented = String(repeating: "e\u{301}", count: 3)
        var reader = InputReader(Input(["name": .string(accented)]), allowed: ["name"])
        _ = reader.text("name", label: "Name", max: 5)
        #expect(reader.problems.map(\.code) == [.tooLong])
    }

    @Test("web addresses: http(s), a host, RFC 3986's characters; no spaces, controls, brackets or stray %", arguments: [
        ("https://example.com", true), ("HTTP://0", true), ("https://pay.example.com:8443/i/1?x=a%20b#top", true),
        ("https://example.com/caf%C3%A9", true), ("ftp://example.com", false), ("https://", false), ("https://exa mple.com", false),
        ("https://example.com/café", false), ("https://example.com/?q=]", false), ("https://example.com/%zz", false),
        ("https://ex\u{1F}ample.com", false), ("javascript:alert(1)", false),
    ])
    func webAddresses(address: String, valid: Bool) {
        #expect(WebAddress.isValid(address) == valid)
    }

    @Test("email addresses are read in code points, as OpenAPI's pattern reads them", arguments: [
        ("ann@example.com", true), ("a@b.c", true), ("ann@example.\u{1F3FB}x", true), ("ann@\u{301}.com", true),
        ("ann@example", false), ("@example.com", false), ("ann@.example.com", false), ("ann@example.com.", false),
        ("a\u{85}b@example.com", false), ("a\u{FEFF}b@example.com", false), ("ann lee@example.com", false),
    ])
    func emailAddresses(address: String, valid: Bool) {
        #expect(EmailAddress.isValid(address) == valid)
    }

    @Test("a choice among some of a type's values refuses the others and names only those it takes")
    func choiceAmong() {
        var reader = InputReader(Input(["template": .string("staff_notice")]), allowed: ["template"])
        #expect(reader.choice("template", label: "Template", among: MessagePurpose.templated).value == nil)
        let message = reader.problems.first?.message ?? ""
        #expect(message.contains("quote_notification") && !message.contains("staff_notice"), "\(message)")
    }
}
