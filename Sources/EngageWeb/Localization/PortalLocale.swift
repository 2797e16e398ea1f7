import Engage
import Foundation

/// The language, time zone and texts a request is answered in. It is bound for the whole request
/// (a task-local, by `PortalLocaleMiddleware`), so the times, amounts and sentences made anywhere
/// while answering agree without being handed down through every page builder.
struct PortalLocale: Sendable {
    let language: Language
    let timeZone: TimeZone
    /// The catalogue's texts in `language`.
    let messages: [String: String]
    private let styles: DateStyles

    init(language: Language, timeZone: TimeZone, messages: [String: String], styles: DateStyles? = nil) {
        self.language = language
        self.timeZone = timeZone
        self.messages = messages
        self.styles = styles ?? DateStyles(language: language, timeZone: timeZone)
    }

    /// How a language writes days and clock times in a zone, made once rather than per time shown.
    struct DateStyles: Sendable {
        let day: Date.FormatStyle
        let clock: Date.FormatStyle
        let calendarDay: Date.FormatStyle

        init(language: Language, timeZone: TimeZone) {
            // British English for day-month-year order and a 24-hour clock.
            func style(in zone: TimeZone) -> Date.FormatStyle {
                Date.FormatStyle(locale: language == .fr ? language.locale : Locale(identifier: "en_GB"),
                                 calendar: Calendar(identifier: .gregorian), timeZone: zone)
            }
            day = style(in: timeZone).day().month(.abbreviated).year()
            clock = style(in: timeZone).hour(.twoDigits(amPM: .omitted)).minute(.twoDigits)
            calendarDay = style(in: .gmt).day().month(.abbreviated).year()
        }
    }

    /// Outside a request (and in code that runs before one is known): English, UTC, no texts.
    @TaskLocal static var current = PortalLocale(language: .en, timeZone: .gmt, messages: [:])

    /// The text of `key` with its `{name}`s filled in.
    func text(_ key: String, _ values: [String: String] = [:]) -> String {
        messages.text(key, values)
    }

    /// "1 250,50 €" in French, "€1,250.50" in English.
    func money(_ amount: Decimal, currency: String) -> String {
        Self.money(amount, currency: currency, language: language)
    }

    /// "999,997" in English, "999 997" in French: a count, grouped for reading.
    func count(_ value: Int) -> String {
        value.formatted(.number.locale(language.locale))
    }

    /// `money` in `language`.
    static func money(_ amount: Decimal, currency: String, language: Language) -> String {
        written.value(for: .money(amount, currency, language)) { _ in
            amount.formatted(.currency(code: currency).locale(language.locale))
        }
    }

    /// "30 November 2026" or "30 novembre 2026": a calendar day written out in `language`.
    static func longDay(_ day: CalendarDate, language: Language) -> String {
        written.value(for: .longDay(day, language)) { _ in
            day.startOfDay.formatted(Date.FormatStyle(date: .long, time: .omitted, locale: language.locale, timeZone: .gmt))
        }
    }

    /// Amounts and days as ICU wrote them: its formatting was a tenth of a recipient page's CPU time.
    private static let written = Memo<Written, String>(limit: 8192)
    private enum Written: Hashable {
        case money(Decimal, String, Language)
        case longDay(CalendarDate, Language)
    }

    /// A number typed in a form, as the services read it ("1250.50"). In French the comma is the
    /// decimal separator and spaces group the thousands ("1 250,50"); what is not such a number, and
    /// anything typed in English, is passed on as typed (and refused there if it is no number).
    func typedNumber(_ text: String) -> String {
        guard language == .fr else { return text }
        let grouping: Set<Character> = [" ", "\u{A0}", "\u{202F}"]
        let compact = String(text.trimmingWhitespace().filter { !grouping.contains($0) })
        guard compact.contains(","), !compact.contains("."), compact.filter({ $0 == "," }).count == 1 else { return text }
        return compact.replacingOccurrences(of: ",", with: ".")
    }

    /// An amount to edit in a form: "1250,50" in French, "1250.50" in English (no grouping, so that
    /// it reads back as typed).
    func editable(_ amount: Decimal) -> String {
        language == .fr ? Money.format(amount).replacingOccurrences(of: ".", with: ",") : Money.format(amount)
    }

    /// A form's fields with the numbers among `names` read by `typedNumber`.
    func typedNumbers(_ fields: [String: String], in names: Set<String>) -> [String: String] {
        Dictionary(uniqueKeysWithValues: fields.map { name, value in (name, names.contains(name) ? typedNumber(value) : value) })
    }

    /// "30 nov. 2026, 14:05" or "30 Nov 2026, 14:05" in the time zone.
    func time(_ date: Date) -> String {
        // Two styles joined by hand: ICU's combined date-time patterns differ between versions ("at", unpadded hours).
        "\(day(date)), \(date.formatted(styles.clock))"
    }

    /// "30 nov. 2026": the day `date` falls on in the time zone.
    func day(_ date: Date) -> String {
        date.formatted(styles.day)
    }

    /// A calendar day (a due date) as `day` writes it, whatever the time zone.
    func day(_ date: CalendarDate) -> String {
        date.startOfDay.formatted(styles.calendarDay)
    }
}

/// Decides each request's `PortalLocale`: the signed-in user's language and time zone, else the
/// browser's language (`Accept-Language`) and the installation's zone (`ENGAGE_TIME_ZONE`).
struct PortalLocales: Sendable {
    let catalogue: MessageCatalogue
    let defaultTimeZone: TimeZone
    /// Each language's date styles in the installation's zone, made at start-up: most requests use them.
    private let defaultStyles: [Language: PortalLocale.DateStyles]

    init(catalogue: MessageCatalogue, defaultTimeZone: TimeZone) {
        self.catalogue = catalogue
        self.defaultTimeZone = defaultTimeZone
        defaultStyles = Dictionary(uniqueKeysWithValues: Language.allCases.map { ($0, PortalLocale.DateStyles(language: $0, timeZone: defaultTimeZone)) })
    }

    func locale(for user: User?, acceptLanguage: String?) -> PortalLocale {
        let zone = user?.timeZone.flatMap(TimeZone.init(identifier:)) ?? defaultTimeZone
        return locale(user?.language ?? Language.preferred(acceptLanguage ?? ""), timeZone: zone)
    }

    /// `language` in `timeZone` (the installation's by default).
    func locale(_ language: Language, timeZone: TimeZone? = nil) -> PortalLocale {
        let zone = timeZone ?? defaultTimeZone
        return PortalLocale(language: language, timeZone: zone, messages: catalogue.table(language),
                            styles: zone == defaultTimeZone ? defaultStyles[language] : nil)
    }
}
