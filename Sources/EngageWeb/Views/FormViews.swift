import Engage

/// One `<option>` of a role `<select>`.
struct RoleOption: Sendable {
    let value: String
    let selected: Bool

    /// Every role, with `selected` chosen.
    static func all(selected: String) -> [RoleOption] {
        User.Role.allCases.map { RoleOption(value: $0.rawValue, selected: $0.rawValue == selected) }
    }
}

extension ValidationError {
    /// The first message of each field, for templates that show it next to the field.
    var messagesByField: [String: String] {
        Dictionary(fields.map { ($0.field, $0.message) }, uniquingKeysWith: { first, _ in first })
    }
}
