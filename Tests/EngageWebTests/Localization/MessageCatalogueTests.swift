import Engage
import Foundation
import Testing
import TestSupport

@Suite("Message catalogue")
struct MessageCatalogueTests {
    /// Every file of `folder` (under the checkout) whose name ends with `suffix`.
    private static func texts(under folder: String, endingWith suffix: String) throws -> [String] {
        let root = Checkout.path(folder)
        let paths = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String }.filter { $0.hasSuffix(suffix) } ?? []
        return try paths.map { try String(contentsOfFile: "\(root)/\($0)", encoding: .utf8) }
    }

    private static func matches(of pattern: String, in texts: [String]) throws -> Set<String> {
        let expression = try NSRegularExpression(pattern: pattern)
        var found = Set<String>()
        for text in texts {
            for match in expression.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                if let range = Range(match.range(at: 1), in: text) { found.insert(String(text[range])) }
            }
        }
        return found
    }

    @Test("every key a template or the code asks for has a text in English and French, and every key is used")
    func keysUsedAndDefined() throws {
        let catalogue = try MessageCatalogue(templatesDirectory: Checkout.path("Templates"))
        let templates = try Self.texts(under: "Templates", endingWith: ".mustache")
        let code = try Self.texts(under: "Sources/EngageWeb", endingWith: ".swift") + Self.texts(under: "Sources/Engage/Messaging", endingWith: ".swift")
        // Templates read `{{t.key}}`; the code asks a table or a locale (`t.text("key"`, `words.text(`,
        // `PortalLocale.current.text(`, `locales.locale(…).text(`) or names a key as a string literal it passes on.
        let asked = try Self.matches(of: #"\{\{[#^/]?t\.([A-Za-z0-9]+)"#, in: templates)
            .union(try Self.matches(of: #"(?:\bt|words|current|\))\.text\("([A-Za-z0-9]+)""#, in: code))
        let named = try Self.matches(of: #""([A-Za-z][A-Za-z0-9]*)""#, in: code)
        #expect(asked.subtracting(catalogue.keys).sorted() == [], "asked for, without a text")
        #expect(catalogue.keys.subtracting(asked).subtracting(named).sorted() == [], "in the catalogue, used nowhere")
        for language in Language.allCases {
            #expect(catalogue.table(language).filter { $0.value.isEmpty }.keys.sorted() == [], "empty in \(language)")
        }
    }

    @Test("a key that one language lacks, a repeated key or a line that is no `key = text` stops start-up, naming the file and line")
    func refusesBrokenFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("catalogue-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("messages"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func load(en: String, fr: String) -> String? {
            try? en.write(to: folder.appendingPathComponent("messages/en.txt"), atomically: true, encoding: .utf8)
            try? fr.write(to: folder.appendingPathComponent("messages/fr.txt"), atomically: true, encoding: .utf8)
            do {
                _ = try MessageCatalogue(templatesDirectory: folder.path)
                return nil
            } catch {
                return "\(error)"
            }
        }
        #expect(load(en: "# c\nhello = Hello {name}\n", fr: "hello = Bonjour {name}\n") == nil)
        #expect(load(en: "hello = Hello\nbye = Bye\n", fr: "hello = Bonjour\n")?.hasSuffix("messages/fr.txt: no text for bye") == true)
        #expect(load(en: "hello = Hello\nhello = Hi\n", fr: "hello = Bonjour\n")?.hasSuffix("en.txt:2: hello is given twice") == true)
        #expect(load(en: "hello Hello\n", fr: "hello = Bonjour\n")?.hasSuffix("en.txt:1: expected key = text") == true)
        #expect(load(en: "hello-there = Hi\n", fr: "hello = Bonjour\n")?.contains("en.txt:1: a key is") == true)
    }

    @Test("a text's {names} are filled in; a key without a text shows as itself")
    func filling() {
        let table = ["waiting": "{count} documents wait for {name}"]
        #expect(table.text("waiting", ["count": "3", "name": "Ann"]) == "3 documents wait for Ann")
        #expect(table.text("missing") == "missing")
    }
}
