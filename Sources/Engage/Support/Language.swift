import Foundation

/// The languages the product writes to recipients in.
public enum Language: String, Sendable, CaseIterable, Codable {
    case en, fr

    /// The locale that formats amounts and dates for this language.
    public var locale: Locale { Locale(identifier: self == .fr ? "fr_FR" : "en_US") }
}
