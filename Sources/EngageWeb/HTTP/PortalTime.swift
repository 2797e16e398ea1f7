import Engage
import Foundation

/// A time as the portal shows it: `23 Nov 2026, 14:05 UTC` to read, and the exact instant for
/// `<time datetime>` and its tooltip. Templates show it with `{{#t}}{{> time}}{{/t}}` (`Templates/time.mustache`).
struct PortalTime: Sendable {
    let iso: String
    let text: String

    init(_ date: Date) {
        iso = ISOTimestamp.string(date)
        text = "\(date.formatted(Self.day)), \(date.formatted(Self.clock)) UTC"
    }

    // Two styles joined by hand: ICU's combined date-time patterns differ between versions ("at", unpadded hours).
    private static let base = Date.FormatStyle(locale: Locale(identifier: "en_GB"), calendar: Calendar(identifier: .gregorian), timeZone: .gmt)
    private static let day = base.day().month(.abbreviated).year()
    private static let clock = base.hour(.twoDigits(amPM: .omitted)).minute(.twoDigits)
}
