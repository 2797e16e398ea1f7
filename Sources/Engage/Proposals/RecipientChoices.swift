import Foundation

extension RecipientService {
    /// Choices a request may make at once.
    static let maximumChoices = 500

    /// The recipient's choices on the price tables (`{"choices": [{"row_id", "checked", "count"}]}`):
    /// optional rows ticked or not, counts changed where allowed. Only a link that may accept or
    /// sign may choose, while the document awaits that decision; the document's total follows.
    /// Choosing records no event: accepting or signing records the configuration chosen.
    public func choose(_ secret: String, _ input: Input, from client: ClientInfo) async throws -> RecipientVisit {
        var reader = InputReader(input, allowed: ["choices"])
        let choices = reader.priceChoices()
        let unreadable = reader.allProblems
        let link = try await authorize(secret, .view, from: client)
        let decision: RecipientAction = link.allows(.accept) ? .accept : .sign
        guard link.allows(decision) else { throw RecipientError.actionNotAllowed(.accept) }
        let document = try await database.write { tx in
            guard let locked = try await tx.documents.lockLive(id: link.documentID) else { throw RecipientError.linkInvalid }
            if let refusal = DocumentLifecycle.refusal(of: decision, on: locked.document) { throw refusal }
            try await PricesFrozen.check(locked.document, in: tx)
            let tables = try await tx.priceTables.tables(of: .document(link.documentID))
            // What the rows refuse is told with what could not be read, all at once.
            let chosen: [PriceTable]
            do {
                chosen = try PriceChoice.apply(choices, to: tables)
            } catch let refusal as ValidationError {
                throw ValidationError(fields: unreadable + refusal.fields)
            }
            if !unreadable.isEmpty { throw ValidationError(fields: unreadable) }
            let changed = zip(tables.flatMap(\.rows), chosen.flatMap(\.rows)).filter { $0 != $1 }.map(\.1)
            guard !changed.isEmpty else { return locked.document }
            try await tx.priceTables.saveChoices(changed)
            try await tx.documents.setTotalAmount(PriceCalculator.price(chosen).total, of: link.documentID)
            return try await tx.documents.requireLive(id: link.documentID)
        }
        return try await visit(link, document)
    }
}

extension InputReader {
    /// `choices`: a list of `{"row_id", "checked", "count"}`, each problem under `choices[i]`; nil
    /// stands for a choice that could not be read, so that the others keep their place.
    mutating func priceChoices() -> [PriceChoice?] {
        guard let value = value("choices") else {
            report("choices", .required, "List your choices: [{\"row_id\": 1, \"checked\": true, \"count\": 2}].")
            return []
        }
        guard case .array(let items) = value, items.count <= RecipientService.maximumChoices else {
            report("choices", .invalidFormat, "Choices must be a list of at most \(RecipientService.maximumChoices) objects.")
            return []
        }
        var choices: [PriceChoice?] = []
        for (index, item) in items.enumerated() {
            guard case .object(let object) = item else {
                report("choices[\(index)]", .invalidFormat, "A choice must be an object, not \(item.typeName).")
                choices.append(nil)
                continue
            }
            var reader = InputReader(Input(object, isForm: isForm), allowed: ["row_id", "checked", "count"])
            let row = reader.id("row_id", label: "Row")
            if row.value == nil, !reader.hasProblem("row_id") { reader.report("row_id", .required, "Row is required.") }
            let checked = reader.contains("checked") ? reader.flag("checked", label: "Ticked") : nil
            let count = reader.decimal("count", label: "Quantity", in: 0...PriceChoice.maximumCount, decimals: 2).value
            adopt(reader, at: "choices[\(index)]")
            choices.append(row.value.map { PriceChoice(rowID: $0, checked: checked, count: count) })
        }
        return choices
    }
}
