import Foundation

/// The document's prices can no longer change: a recipient accepted or signed it (or a party completed).
public struct PricesFrozen: Error, Sendable {
    /// True once a decision binds the document's prices: accepted, signed or paid, or a party completed.
    public static func applies(to document: Document, parties: [DocumentParty]) -> Bool {
        document.acceptedAt != nil || document.signedAt != nil || document.paidAt != nil || parties.contains { $0.completedAt != nil }
    }

    /// Refuses unless the document's prices may still change.
    static func check(_ document: Document, in tx: Transaction) async throws {
        if try await isFrozen(document, in: tx) { throw PricesFrozen() }
    }

    static func isFrozen(_ document: Document, in tx: Transaction) async throws -> Bool {
        // The document's own stamps answer most often, without reading its parties.
        if applies(to: document, parties: []) { return true }
        return applies(to: document, parties: try await tx.parties.all(documentID: document.id))
    }
}

extension InputReader {
    /// The tables `content` gives, completed from the catalogue and checked; nil when absent.
    mutating func completedPriceTables(_ content: Provided<[PriceTableDraft]>, in tx: Transaction) async throws -> [PriceTable]? {
        guard case .value(var drafts) = content else { return nil }
        let ids = Set(drafts.flatMap { $0.table.rows.compactMap(\.productID) })
        complete(&drafts, products: try await tx.catalogue.products(ids: ids.sorted()))
        let tables = drafts.map(\.table)
        if PriceCalculator.price(tables).total >= Money.limit {
            report("content", .outOfRange, "The price tables must come to less than 10000000000000.")
        }
        return tables
    }

    /// Refuses `total_amount` beside price tables: their total is the document's.
    mutating func refuseAmount(besides tables: Bool) {
        if tables, contains("total_amount") {
            report("total_amount", .invalidValue, "total_amount is computed from the price tables; leave it out.")
        }
    }
}

extension DocumentLifecycle.Change {
    /// True for a recipient's acceptance or signature: what it agrees to pay is kept in its event.
    var agreesToPrices: Bool {
        if case .recipient(let action) = self { return action == .accept || action == .sign }
        return false
    }
}

extension Pricing {
    /// The configuration agreed to, for an event's evidence: each row that was priced, whether it
    /// counted and how many, with the totals.
    func evidence(currency: String) -> JSONValue {
        let tables: [JSONValue] = self.tables.map { priced in
            let rows: [JSONValue] = zip(priced.table.rows, priced.amounts).compactMap { row, amount in
                guard row.kind == .price || row.kind == .discount, let amount else { return nil }
                var object: [String: JSONValue] = [
                    "row_id": row.id.map { .number(Decimal($0)) } ?? .null, "type": .string(row.kind.rawValue),
                    "content": .string(row.content), "amount": .number(amount),
                ]
                if row.kind == .price {
                    object["count"] = .number(row.count)
                    object["price"] = .number(row.price)
                    object["vat_percentage"] = .number(row.vatPercentage)
                    object["included"] = .bool(row.isIncluded)
                } else {
                    object["discount"] = .number(row.discount)
                }
                return .object(object)
            }
            return .object(["id": .string(priced.table.key), "rows": .array(rows), "total": .number(priced.total)])
        }
        return .object([
            "currency": .string(currency), "subtotal": .number(subtotal), "vat_total": .number(vatTotal), "total": .number(total),
            "pricetables": .array(tables),
        ])
    }
}
