import Engage
import Foundation

/// A time as the portal shows it: `23 Nov 2026, 14:05` in the reader's language and time zone,
/// and the exact instant for `<time datetime>` and its tooltip. Templates show it with
/// `{{#t}}{{> time}}{{/t}}` (`Templates/time.mustache`).
struct PortalTime: Sendable {
    let iso: String
    let text: String

    init(_ date: Date) {
        iso = ISOTimestamp.string(date)
        text = PortalLocale.current.time(date)
    }
}
