import Foundation

/// The languages the product speaks: to staff in the portal, to recipients on their pages and in mail.
public enum Language: String, Sendable, CaseIterable, Codable {
    case en, fr

    /// The locale that formats amounts and dates for this language.
    public var locale: Locale { Locale(identifier: self == .fr ? "fr_FR" : "en_US") }

    /// The language's own name, for choosers.
    public var name: String { self == .fr ? "Français" : "English" }

    /// The supported language with the highest `q` in an `Accept-Language` value (the first on a
    /// tie); English when none is.
    public static func preferred(_ acceptLanguage: String) -> Language {
        var best: (language: Language, quality: Double)?
        for range in acceptLanguage.split(separator: ",") {
            let parts = range.split(separator: ";").map { String($0).trimmingWhitespace() }
            guard let tag = parts.first?.lowercased(),
                  let language = Self(rawValue: String(tag.prefix(while: { $0 != "-" })))
            else { continue }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            if quality > 0, quality > (best?.quality ?? 0) { best = (language, quality) }
        }
        return best?.language ?? .en
    }
}
