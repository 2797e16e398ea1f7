import Foundation

/// The custom fields known so far, by lower-cased name (names match case-insensitively).
struct LeadFieldDirectory: Sendable {
    private(set) var fields: [String: LeadCustomField] = [:]

    init(_ fields: [LeadCustomField]) {
        for field in fields { self.fields[field.name.lowercased()] = field }
    }

    subscript(name: String) -> LeadCustomField? { fields[name.lowercased()] }

    mutating func add(_ field: LeadCustomField) { fields[field.name.lowercased()] = field }

    /// The fields `changes` (in order) give a value to that are not known yet, each typed by the
    /// first value it is given.
    func unknown(in changes: [LeadChanges]) -> [(name: String, type: LeadFieldType)] {
        var found: [(name: String, type: LeadFieldType)] = []
        var seen = Set(fields.keys)
        for change in changes {
            for (name, value) in change.custom.sorted(by: { $0.key < $1.key }) where value != .null {
                if seen.insert(name.lowercased()).inserted { found.append((name, LeadFieldType.firstSight(of: value))) }
            }
        }
        return found
    }
}

/// How syncs merge into a lead: fields given replace, fields left out stay, custom fields are
/// added or updated (removed only by null), each in its field's type or kept as text and flagged.
enum LeadMerge {
    /// A lead as the merge sees it.
    struct State: Equatable {
        var email: String
        var fields: [String: String] = [:]
        /// Custom values by field id.
        var custom: [Int64: Value] = [:]

        struct Value: Equatable {
            var text: String
            var flagged: Bool
        }
    }

    /// Applies `changes` to `state`; returns the names of the custom fields it flagged. Every
    /// field `changes` names must be in `directory` (`LeadFieldDirectory.unknown` finds the others).
    static func apply(_ changes: LeadChanges, to state: inout State, directory: LeadFieldDirectory) -> [String] {
        state.email = changes.email
        for (name, value) in changes.fields {
            state.fields[name] = value
        }
        var flagged: [String] = []
        for (name, value) in changes.custom.sorted(by: { $0.key < $1.key }) {
            guard let field = directory[name] else { continue }  // a null for a field never set
            if value == .null {
                state.custom[field.id] = nil
                continue
            }
            let (text, fits) = field.type.canonical(value)
            state.custom[field.id] = State.Value(text: text, flagged: !fits)
            if !fits { flagged.append(field.name) }
        }
        return flagged
    }
}
