import Engage

extension ValidationError {
    /// The first message of each field, for templates that show it next to the field.
    var messagesByField: [String: String] {
        Dictionary(fields.map { ($0.field, $0.message) }, uniquingKeysWith: { first, _ in first })
    }
}
