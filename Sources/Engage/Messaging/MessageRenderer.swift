import Foundation
import Mustache

/// A message ready for the outbox: what the recipient will read.
public struct RenderedMessage: Sendable, Equatable {
    public let subject: String?
    public let text: String
    /// The HTML part of an email (nil for SMS).
    public let html: String?

    public init(subject: String?, text: String, html: String?) {
        self.subject = subject
        self.text = text
        self.html = html
    }
}

/// Turns a template and its values into a message: for email, a plain-text part and an HTML part
/// (the Markdown rendered by cmark in safe mode, inside the branded layout `Templates/mail/layout.html`,
/// with the tracking pixel); for SMS, plain text.
public struct MessageRenderer: Sendable {
    private let layout: MustacheTemplate
    private let companyName: String
    /// The layout's own words, from the catalogue the portal and recipient pages use.
    private let catalogue: MessageCatalogue

    /// Loads the layout from `templatesDirectory`; its words come from `catalogue`.
    public init(templatesDirectory: String, companyName: String, catalogue: MessageCatalogue) throws {
        let text = try String(contentsOfFile: templatesDirectory + "/mail/layout.html", encoding: .utf8)
        layout = try MustacheTemplate(string: text)
        self.catalogue = catalogue
        self.companyName = companyName
    }

    /// Renders `template` with `values`; `pixelURL` is the email's open-tracking image.
    public func render(_ template: MessageTemplate, _ values: MessageValues, pixelURL: String?) -> RenderedMessage {
        let body = template.body.replacingOccurrences(of: "\r\n", with: "\n")
        // The template's own emphasis marks are dropped from plain text before values go in, so values keep theirs.
        let plain = Self.tidy(Self.unwrapAutolinks(Placeholders.fill(body.replacingOccurrences(of: "**", with: ""), with: values)))
        guard template.channel == .email else {
            return RenderedMessage(subject: nil, text: plain, html: nil)
        }
        let subject = template.subject.map { Placeholders.fill($0, with: values).replacingOccurrences(of: "\n", with: " ") }
        let content = Markdown.render(Placeholders.fill(body, with: values, escape: Placeholders.markdownLiteral))
        let words = catalogue.table(template.language)
        let html = layout.render([
            "language": template.language.rawValue,
            "subject": subject ?? "",
            "company": companyName,
            "content": content.html,
            "link": values.link,
            "open_document": words.text("mailOpenDocument"),
            "footer": words.text("mailFooter", ["company": companyName]),
            "pixel_url": pixelURL ?? "",
        ] as [String: Any])
        let text = plain + "\n\n-- \n" + companyName + "\n"
        return RenderedMessage(subject: subject, text: text, html: html)
    }

    /// Text without the runs of blank lines an empty placeholder leaves.
    static func tidy(_ text: String) -> String {
        var lines: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let blank = line.allSatisfy(\.isWhitespace)
            if blank, lines.last.map({ $0.allSatisfy(\.isWhitespace) }) ?? true { continue }
            lines.append(blank ? "" : line)
        }
        return lines.joined(separator: "\n").trimmingWhitespace()
    }

    /// `<https://…>` (a Markdown autolink) as the bare address, which is how plain text shows it.
    static func unwrapAutolinks(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let open = rest.range(of: "<http"), let close = rest[open.lowerBound...].firstIndex(of: ">"),
              !rest[open.lowerBound..<close].contains(where: \.isWhitespace) {
            result += rest[..<open.lowerBound]
            result += rest[rest.index(after: open.lowerBound)..<close]
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }
}

extension RenderedMessage: JSONWritable {
    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.key("subject"); w.value(subject)
        w.key("text"); w.value(text)
        w.key("html"); w.value(html)
        w.endObject()
    }
}
