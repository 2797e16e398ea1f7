import Foundation

/// What a recipient chose on one row: ticked or not (an optional row), and how many (a row whose
/// count they may change).
public struct PriceChoice: Sendable, Equatable {
    public let rowID: Int64
    public var checked: Bool?
    public var count: Decimal?

    public init(rowID: Int64, checked: Bool? = nil, count: Decimal? = nil) {
        self.rowID = rowID
        self.checked = checked
        self.count = count
    }

    /// The most a recipient may ask for on one row.
    public static let maximumCount: Decimal = 100_000

    /// `tables` with `choices` applied; every choice the rows do not allow is reported at once,
    /// under `choices[i]` (a nil choice, one that could not be read, is passed over).
    static func apply(_ choices: [PriceChoice?], to tables: [PriceTable]) throws -> [PriceTable] {
        var tables = tables
        var problems: [ValidationError.FieldError] = []
        for (index, choice) in choices.enumerated() {
            guard let choice else { continue }
            let field = "choices[\(index)]"
            guard let (t, r) = tables.position(ofRow: choice.rowID), tables[t].rows[r].isChoosable else {
                problems.append(.init(field: field, code: .notFound, message: "Row \(choice.rowID) is not a row you can choose."))
                continue
            }
            if let checked = choice.checked {
                if tables[t].rows[r].isOptional {
                    tables[t].rows[r].isChecked = checked
                } else {
                    problems.append(.init(field: field, code: .invalidValue, message: "Row \(choice.rowID) is not optional."))
                }
            }
            if let count = choice.count {
                if !tables[t].rows[r].countEditable {
                    problems.append(.init(field: field, code: .invalidValue, message: "The quantity of row \(choice.rowID) cannot be changed."))
                } else if count < 0 || count > maximumCount || Money.cents(count) != count {
                    problems.append(.init(
                        field: field, code: .outOfRange,
                        message: "A quantity is a number from 0 to \(maximumCount) with at most 2 decimals."))
                } else {
                    tables[t].rows[r].count = count
                }
            }
        }
        if !problems.isEmpty { throw ValidationError(fields: problems) }
        return tables
    }
}

extension [PriceTable] {
    /// Where the row with `id` is: its table's and its own index.
    func position(ofRow id: Int64) -> (Int, Int)? {
        for (t, table) in enumerated() {
            if let r = table.rows.firstIndex(where: { $0.id == id }) { return (t, r) }
        }
        return nil
    }
}
