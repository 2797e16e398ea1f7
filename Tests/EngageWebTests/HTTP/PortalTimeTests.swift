import Foundation
import Testing

@testable import EngageWeb

@Suite("Portal times")
struct PortalTimeTests {
    @Test("a time reads as day, month, year and a 24-hour UTC clock; the exact instant stays beside it")
    func format() {
        let night = PortalTime(Date(timeIntervalSince1970: 1_795_393_491))
        #expect(night.text == "23 Nov 2026, 00:24 UTC")
        #expect(night.iso == "2026-11-23T00:24:51Z")
        #expect(PortalTime(Date(timeIntervalSince1970: 1_795_393_491 + 13 * 3600)).text == "23 Nov 2026, 13:24 UTC")
    }
}
