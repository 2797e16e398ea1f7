@testable import Engage
import Foundation
import Testing

/// How custom fields are typed and how one sync merges into a lead, without a database.
@Suite("Lead merge")
struct LeadMergeTests {
    @Test("a field's type comes from its first value", arguments: [
        (JSONValue.number(42), LeadFieldType.number),
        (.bool(true), .boolean),
        (.string("2026-02-28"), .date),
        (.string("2026-02-30"), .text),
        (.string("42"), .text),
        (.string("hello"), .text),
    ] as [(JSONValue, LeadFieldType)])
    func firstSight(value: JSONValue, type: LeadFieldType) {
        #expect(LeadFieldType.firstSight(of: value) == type)
    }

    @Test("values in a field's canonical text, or kept as their own text and flagged", arguments: [
        (LeadFieldType.number, JSONValue.number(Decimal(string: "12.50")!), "12.5", true),
        (.number, .string("-3.25"), "-3.25", true),
        (.number, .string("1e3"), "1e3", false),
        (.number, .string("12,5"), "12,5", false),
        (.number, .bool(true), "true", false),
        (.date, .string("2026-11-30"), "2026-11-30", true),
        (.date, .number(20261130), "20261130", false),
        (.boolean, .string("False"), "false", true),
        (.boolean, .string("yes"), "yes", false),
        (.text, .number(7), "7", true),
        (.text, .bool(false), "false", true),
    ] as [(LeadFieldType, JSONValue, String, Bool)])
    func canonical(type: LeadFieldType, value: JSONValue, text: String, fits: Bool) {
        let result = type.canonical(value)
        #expect(result.text == text)
        #expect(result.fits == fits)
    }

    @Test("fields given replace, absent ones stay, null clears; custom values set, removed by null, flagged when they do not fit")
    func apply() {
        let score = LeadCustomField(id: 1, name: "score", type: .number)
        let plan = LeadCustomField(id: 2, name: "Plan", type: .text)
        let directory = LeadFieldDirectory([score, plan])
        var state = LeadMerge.State(
            email: "a@example.com", fields: ["first_name": "Ann", "phone": "+33"],
            custom: [1: .init(text: "3", flagged: false), 2: .init(text: "free", flagged: false)])
        let changes = LeadChanges(
            email: "A@Example.com ", fields: ["last_name": "Lee", "phone": String?.none],
            custom: ["SCORE": .string("lots"), "plan": .null, "unknown": .null])
        let flagged = LeadMerge.apply(changes, to: &state, directory: directory)
        #expect(state.email == "a@example.com")
        #expect(state.fields == ["first_name": "Ann", "last_name": "Lee"])
        #expect(state.custom == [1: .init(text: "lots", flagged: true)])
        #expect(flagged == ["score"])
    }

    @Test("unknown fields are found once, in order, each typed by its first value")
    func unknownFields() {
        let directory = LeadFieldDirectory([LeadCustomField(id: 1, name: "known", type: .text)])
        let found = directory.unknown(in: [
            LeadChanges(email: "a@x.co", custom: ["Budget": .number(5), "KNOWN": .string("x"), "gone": .null]),
            LeadChanges(email: "b@x.co", custom: ["budget": .string("n/a"), "since": .string("2026-01-01")]),
        ])
        #expect(found.map(\.name) == ["Budget", "since"])
        #expect(found.map(\.type) == [.number, .date])
    }

    @Test("a recipient's name is split into first and last names")
    func registration() {
        let lead = LeadChanges.registration(name: "Jean-Pierre de la Tour", email: " JP@Tour.example", company: nil, phone: "+33")
        #expect(lead.email == "jp@tour.example")
        #expect(lead.fields == ["first_name": "Jean-Pierre", "last_name": "de la Tour", "phone": "+33"])
        #expect(LeadChanges.registration(name: "Cher", email: "c@x.co", company: nil, phone: nil).fields == ["first_name": "Cher"])
    }
}
