import Engage
import Foundation

/// A document's price tables as pages show them (the recipient's page and the portal's), amounts
/// in the reader's locale; the page's texts come from its own catalogue.
struct PriceTablesView: Hashable {
    struct Table: Hashable {
        let key: String
        let title: String?
        let rows: [Row]
        let showVAT: Bool
        let vat: [VATLine]
        let subtotal: String
        let total: String
    }

    struct Row: Hashable {
        let id: Int64
        let isTitle: Bool
        let isPrice: Bool
        let isDiscount: Bool
        let isSubtotal: Bool
        let content: SafeHTML
        let count: String
        /// The count as the input field takes it ("1.5").
        let countValue: String
        let unit: String?
        let unitPrice: String
        let amount: String
        /// "−10 %" beside a line or a discount row.
        let discount: String?
        let vatRate: String
        let isOptional: Bool
        let isChecked: Bool
        let countEditable: Bool
        let isIncluded: Bool
        /// Whether the recipient may change it now.
        let isChoosable: Bool
    }

    struct VATLine: Hashable {
        let name: String
        let amount: String
    }

    let tables: [Table]
    /// Sums over all tables, shown when there are several.
    let hasSeveral: Bool
    let subtotal: String
    let vat: [VATLine]
    let total: String
    /// Row ids the recipient may tick or untick, and those whose count they may change (the form lists them).
    let optionalRows: String
    let countRows: String
    let hasChoices: Bool

    init(_ content: PriceContent, currency: String, language: Language, choosable: Bool) {
        func money(_ amount: Decimal) -> String { PortalLocale.money(amount, currency: currency, language: language) }
        func number(_ value: Decimal) -> String { value.formatted(.number.locale(language.locale)) }
        func vatLines(_ amounts: [VATAmount]) -> [VATLine] {
            amounts.map { VATLine(name: content.name(of: $0.percentage), amount: money($0.amount)) }
        }
        var optional: [Int64] = []
        var counted: [Int64] = []
        tables = content.pricing.tables.map { priced in
            let rows = zip(priced.table.rows, priced.amounts).map { row, amount in
                let id = row.id ?? 0
                if choosable, row.kind == .price, row.isOptional { optional.append(id) }
                if choosable, row.kind == .price, row.countEditable { counted.append(id) }
                return Row(
                    id: id, isTitle: row.kind == .title, isPrice: row.kind == .price, isDiscount: row.kind == .discount,
                    isSubtotal: row.kind == .subtotal, content: Markdown.render(row.content), count: number(row.count),
                    countValue: "\(row.count)", unit: row.unit, unitPrice: money(row.price), amount: amount.map(money) ?? "",
                    discount: row.discount > 0 ? "−\(number(row.discount)) %" : nil, vatRate: "\(number(row.vatPercentage)) %",
                    isOptional: row.isOptional, isChecked: row.isChecked, countEditable: row.countEditable, isIncluded: row.isIncluded,
                    isChoosable: choosable && row.isChoosable)
            }
            return Table(
                key: priced.table.key, title: priced.table.title, rows: rows, showVAT: !priced.table.vatHidden, vat: vatLines(priced.vat),
                subtotal: money(priced.subtotal), total: money(priced.total))
        }
        hasSeveral = tables.count > 1
        subtotal = money(content.pricing.subtotal)
        vat = vatLines(content.pricing.vat)
        total = money(content.pricing.total)
        optionalRows = optional.map(String.init).joined(separator: ",")
        countRows = counted.map(String.init).joined(separator: ",")
        hasChoices = !optional.isEmpty || !counted.isEmpty
    }

    /// The choices a form without JavaScript sends, as the API's `choices`: each listed optional
    /// row ticked or not (an unticked box sends nothing), each listed count as typed.
    static func choices(fromForm form: [String: String]) -> Input {
        func ids(_ field: String) -> [Substring] { (form[field] ?? "").split(separator: ",") }
        var choices: [JSONValue] = ids("optional_rows").map { id in
            .object(["row_id": .string(String(id)), "checked": .string(form["row_\(id)"] == nil ? "off" : "on")])
        }
        choices += ids("count_rows").map { id in
            .object(["row_id": .string(String(id)), "count": form["count_\(id)"].map(JSONValue.string) ?? .null])
        }
        return Input(["choices": .array(choices)], isForm: true)
    }
}
