import Engage
import Foundation
import Testing

@testable import EngageWeb

@Suite("Portal times and amounts")
struct PortalTimeTests {
    @Test("a time reads as day, month, year and a 24-hour clock in the reader's zone; the exact instant stays beside it")
    func format() {
        let night = PortalTime(Date(timeIntervalSince1970: 1_795_393_491))
        #expect(night.text == "23 Nov 2026, 00:24")
        #expect(night.iso == "2026-11-23T00:24:51Z")
        #expect(PortalTime(Date(timeIntervalSince1970: 1_795_393_491 + 13 * 3600)).text == "23 Nov 2026, 13:24")

        // The same instant for a French reader in Paris (UTC+1 in November), and in New York.
        let paris = PortalLocale(language: .fr, timeZone: TimeZone(identifier: "Europe/Paris")!, messages: [:])
        PortalLocale.$current.withValue(paris) {
            #expect(PortalTime(Date(timeIntervalSince1970: 1_795_393_491)).text == "23 nov. 2026, 01:24")
            #expect(PortalTime(Date(timeIntervalSince1970: 1_795_393_491)).iso == "2026-11-23T00:24:51Z")
        }
        let newYork = PortalLocale(language: .en, timeZone: TimeZone(identifier: "America/New_York")!, messages: [:])
        PortalLocale.$current.withValue(newYork) {
            #expect(PortalTime(Date(timeIntervalSince1970: 1_795_393_491)).text == "22 Nov 2026, 19:24")
        }
    }

    @Test("counts in the reader's language, on pagers too: 999 997 in French, 999,997 in English")
    func counts() {
        let french = PortalLocale(language: .fr, timeZone: .gmt, messages: [:])
        let english = PortalLocale(language: .en, timeZone: .gmt, messages: [:])
        #expect(french.count(999_997) == "999\u{202F}997")
        #expect(english.count(999_997) == "999,997")
        #expect(english.count(12) == "12")
        PortalLocale.$current.withValue(english) {
            let pager = Pager(Page(slicing: Array(1...12_500), request: PageRequest(page: 2, perPage: 20)), path: "/documents", parameters: [])
            #expect(pager.total == "12,500" && pager.totalPages == "625")
        }
    }

    @Test("amounts in the reader's language: 1 250,50 € in French, €1,250.50 in English")
    func money() {
        let french = PortalLocale(language: .fr, timeZone: .gmt, messages: [:])
        let english = PortalLocale(language: .en, timeZone: .gmt, messages: [:])
        // French groups with a narrow no-break space and puts a no-break space before the sign.
        #expect(french.money(Decimal(string: "1250.5")!, currency: "EUR") == "1\u{202F}250,50\u{A0}€")
        #expect(english.money(Decimal(string: "1250.5")!, currency: "EUR") == "€1,250.50")
        // Written once, then kept: asked again, in either order, each language keeps its own text.
        #expect(french.money(Decimal(string: "1250.50")!, currency: "EUR") == "1\u{202F}250,50\u{A0}€")
        #expect(english.money(Decimal(string: "1250.5")!, currency: "USD") == "$1,250.50")
        #expect(PortalLocale.longDay(CalendarDate("2026-11-30")!, language: .fr) == "30 novembre 2026")
        #expect(PortalLocale.longDay(CalendarDate("2026-11-30")!, language: .en) == "November 30, 2026")
    }

    @Test("numbers typed in French take a decimal comma and spaced thousands; English ones, and what is no number, go on as typed")
    func typedNumbers() {
        let french = PortalLocale(language: .fr, timeZone: .gmt, messages: [:])
        let english = PortalLocale(language: .en, timeZone: .gmt, messages: [:])
        #expect(french.typedNumber("1 250,50") == "1250.50")
        #expect(french.typedNumber("1\u{202F}250,5") == "1250.5")
        #expect(french.typedNumber("12,75 ") == "12.75")
        #expect(french.typedNumber("1250.50") == "1250.50", "a dot is still a decimal point")
        #expect(french.typedNumber("1.250,50") == "1.250,50", "both marks: left for the service to refuse")
        #expect(french.typedNumber("1,2,3") == "1,2,3")
        #expect(english.typedNumber("1250,50") == "1250,50", "in English a comma is no decimal point")
        #expect(french.typedNumbers(["total_amount": "9,90", "title": "Offre 2,5"], in: ["total_amount"]) == ["total_amount": "9.90", "title": "Offre 2,5"])
    }
}
