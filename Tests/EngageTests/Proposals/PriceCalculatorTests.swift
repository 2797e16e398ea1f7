@testable import Engage
import Foundation
import Testing

/// The arithmetic of price tables, case by case, every figure worked out by hand in the comments.
@Suite("Price calculator")
struct PriceCalculatorTests {
    /// One table and what it must come to: each row's amount, the VAT per rate (rate: base, VAT),
    /// the subtotal (VAT excluded) and the total.
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let table: PriceTable
        let amounts: [String?]
        let vat: [String: (base: String, amount: String)]
        let subtotal: String
        let total: String
        var testDescription: String { name }
    }

    static func d(_ text: String) -> Decimal { Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))! }

    static func line(_ count: String, _ price: String, vat: String = "20", discount: String = "0", optional: Bool = false, checked: Bool = true) -> PriceRow {
        PriceRow(
            kind: .price, content: "line", count: d(count), price: d(price), vatPercentage: d(vat), discount: d(discount),
            isOptional: optional, isChecked: checked)
    }

    static func off(_ percent: String) -> PriceRow { PriceRow(kind: .discount, content: "Discount", discount: d(percent)) }
    static let subtotal = PriceRow(kind: .subtotal, content: "Subtotal")
    static let heading = PriceRow(kind: .title, content: "Options")

    static let cases: [Case] = [
        Case(
            name: "three VAT rates in one table, VAT added",
            // 300.00 + 91.00 + 19.99 = 410.99; VAT 60.00 + 9.10 + 1.09945→1.10
            table: PriceTable(key: "t", rows: [line("3", "100.00"), line("2", "45.50", vat: "10"), line("1", "19.99", vat: "5.5")]),
            amounts: ["300.00", "91.00", "19.99"],
            vat: ["20": ("300.00", "60.00"), "10": ("91.00", "9.10"), "5.5": ("19.99", "1.10")],
            subtotal: "410.99", total: "481.19"),
        Case(
            name: "each line rounded on its own: three times 0.085 is 0.27, not 0.26",
            // 1 × 0.10 − 15 % = 0.085 → 0.09 per line; rounding the total instead would give 0.255 → 0.26. VAT 0.054 → 0.05.
            table: PriceTable(key: "t", rows: [line("1", "0.10", discount: "15"), line("1", "0.10", discount: "15"), line("1", "0.10", discount: "15")]),
            amounts: ["0.09", "0.09", "0.09"], vat: ["20": ("0.27", "0.05")], subtotal: "0.27", total: "0.32"),
        Case(
            name: "fractional counts: three times 0.333 × 1.00 is 0.99, not 1.00",
            table: PriceTable(key: "t", rows: [line("0.333", "1.00"), line("0.333", "1.00"), line("0.333", "1.00")]),
            amounts: ["0.33", "0.33", "0.33"], vat: ["20": ("0.99", "0.20")], subtotal: "0.99", total: "1.19"),
        Case(
            name: "a row's own discount, rounded half up",
            // 3 × 33.33 = 99.99, −12.5 % = 87.49125 → 87.49; VAT 17.498 → 17.50
            table: PriceTable(key: "t", rows: [line("3", "33.33", discount: "12.5")]),
            amounts: ["87.49"], vat: ["20": ("87.49", "17.50")], subtotal: "87.49", total: "104.99"),
        Case(
            name: "discount rows take their percentage off their section, per rate; subtotals close sections",
            // section 1: 100.00 @20 + 50.00 @10, −10 % = −10.00 −5.00; subtotal 135.00.
            // section 2: 20.00 @20, −50 % = −10.00. Bases: 20 % 100.00, 10 % 45.00; VAT 20.00 + 4.50.
            table: PriceTable(key: "t", rows: [
                heading, line("1", "100.00"), line("1", "50.00", vat: "10"), off("10"), subtotal, line("1", "20.00"), off("50"),
            ]),
            amounts: [nil, "100.00", "50.00", "-15.00", "135.00", "20.00", "-10.00"],
            vat: ["20": ("100.00", "20.00"), "10": ("45.00", "4.50")], subtotal: "145.00", total: "169.50"),
        Case(
            name: "two discounts in one section compound",
            // 100.00 −10 % = 90.00, then −10 % of 90.00 = −9.00
            table: PriceTable(key: "t", rows: [line("1", "100.00"), off("10"), off("10")]),
            amounts: ["100.00", "-10.00", "-9.00"], vat: ["20": ("81.00", "16.20")], subtotal: "81.00", total: "97.20"),
        Case(
            name: "a discount row's cut rounded per rate",
            // 33.33 @20 and 33.33 @10, −15 %: 4.9995 → 5.00 each, −10.00; bases 28.33 and 28.33; VAT 5.666→5.67, 2.833→2.83
            table: PriceTable(key: "t", rows: [line("1", "33.33"), line("1", "33.33", vat: "10"), off("15")]),
            amounts: ["33.33", "33.33", "-10.00"], vat: ["20": ("28.33", "5.67"), "10": ("28.33", "2.83")],
            subtotal: "56.66", total: "65.16"),
        Case(
            name: "rows including VAT: the base is taken out of each rate's amount",
            // 120.00 @20 → base 100.00, VAT 20.00; 10.00 @5.5 → base 9.4786 → 9.48, VAT 0.52
            table: PriceTable(key: "t", rowsIncludeVAT: true, rows: [line("1", "120.00"), line("1", "10.00", vat: "5.5")]),
            amounts: ["120.00", "10.00"], vat: ["20": ("100.00", "20.00"), "5.5": ("9.48", "0.52")],
            subtotal: "109.48", total: "130.00"),
        Case(
            name: "rows including VAT, rounding the base half up",
            // 3 × 0.05 = 0.15 @20 → base 0.125 → 0.13, VAT 0.02
            table: PriceTable(key: "t", rowsIncludeVAT: true, rows: [line("1", "0.05"), line("1", "0.05"), line("1", "0.05")]),
            amounts: ["0.05", "0.05", "0.05"], vat: ["20": ("0.13", "0.02")], subtotal: "0.13", total: "0.15"),
        Case(
            name: "an unticked optional row shows its amount and counts nothing",
            table: PriceTable(key: "t", rows: [line("1", "500.00", optional: true, checked: false), line("1", "100.00"), line("2", "10.00", optional: true)]),
            amounts: ["500.00", "100.00", "20.00"], vat: ["20": ("120.00", "24.00")], subtotal: "120.00", total: "144.00"),
        Case(
            name: "an unticked optional row is outside its section's discount",
            table: PriceTable(key: "t", rows: [line("1", "100.00"), line("1", "900.00", optional: true, checked: false), off("10")]),
            amounts: ["100.00", "900.00", "-10.00"], vat: ["20": ("90.00", "18.00")], subtotal: "90.00", total: "108.00"),
        Case(
            name: "VAT hidden: no VAT, the total is the lines",
            table: PriceTable(key: "t", vatHidden: true, rows: [line("2", "250.00"), line("1", "10.00", vat: "5.5")]),
            amounts: ["500.00", "10.00"], vat: [:], subtotal: "510.00", total: "510.00"),
        Case(
            name: "a table of titles and subtotals only costs nothing",
            table: PriceTable(key: "t", rows: [heading, subtotal]),
            amounts: [nil, "0"], vat: [:], subtotal: "0", total: "0"),
    ]

    @Test("each case, exactly", arguments: cases)
    func priced(_ example: Case) {
        let priced = PriceCalculator.price(example.table)
        #expect(priced.amounts == example.amounts.map { $0.map(Self.d) })
        let vat = Dictionary(uniqueKeysWithValues: priced.vat.map { ("\($0.percentage)", ($0.base, $0.amount)) })
        #expect(vat.keys.sorted() == example.vat.keys.sorted())
        for (rate, expected) in example.vat {
            #expect(vat[rate]?.0 == Self.d(expected.base), "base at \(rate) %")
            #expect(vat[rate]?.1 == Self.d(expected.amount), "VAT at \(rate) %")
        }
        #expect(priced.subtotal == Self.d(example.subtotal))
        #expect(priced.total == Self.d(example.total))
        #expect(priced.total == priced.subtotal + priced.vatTotal)
    }

    @Test("a document's tables: totals added up, VAT merged per rate, highest rate first")
    func document() {
        let pricing = PriceCalculator.price([
            PriceTable(key: "a", rows: [Self.line("1", "100.00"), Self.line("1", "10.00", vat: "10")]),
            PriceTable(key: "b", rowsIncludeVAT: true, rows: [Self.line("1", "60.00")]),
        ])
        // a: 110.00 + 20.00 + 1.00 = 131.00; b: 60.00 incl. → base 50.00, VAT 10.00
        #expect(pricing.total == Self.d("191.00"))
        #expect(pricing.subtotal == Self.d("160.00"))
        #expect(pricing.vat.map(\.percentage) == [20, 10])
        #expect(pricing.vat.map(\.base) == [Self.d("150.00"), Self.d("10.00")])
        #expect(pricing.vat.map(\.amount) == [Self.d("30.00"), Self.d("1.00")])
    }

    @Test("a recipient's choices: an option unticked, a count changed; refusals all told at once")
    func choices() throws {
        var table = PriceTable(key: "t", rows: [
            Self.line("1", "1000.00"), Self.line("1", "200.00", optional: true), Self.line("1", "25.00"), Self.heading,
        ])
        for index in table.rows.indices { table.rows[index].id = Int64(index + 1) }
        table.rows[2].countEditable = true
        let chosen = try PriceChoice.apply(
            [PriceChoice(rowID: 2, checked: false), PriceChoice(rowID: 3, count: 4)], to: [table])
        // 1000.00 + 4 × 25.00 = 1100.00, VAT 220.00
        #expect(PriceCalculator.price(chosen).total == Self.d("1320.00"))
        #expect(PriceCalculator.price([table]).total == Self.d("1470.00"), "the tables given are left as they were")

        let refused = #expect(throws: ValidationError.self) {
            try PriceChoice.apply([
                PriceChoice(rowID: 1, checked: false), PriceChoice(rowID: 3, count: Self.d("-1")),
                PriceChoice(rowID: 4, checked: true), PriceChoice(rowID: 99, count: 1), PriceChoice(rowID: 2, count: 2),
            ], to: [table])
        }
        #expect(refused?.fields.map(\.field) == ["choices[0]", "choices[1]", "choices[2]", "choices[3]", "choices[4]"])
        #expect(refused?.fields.map(\.code) == [.notFound, .outOfRange, .notFound, .notFound, .invalidValue])
    }
}
