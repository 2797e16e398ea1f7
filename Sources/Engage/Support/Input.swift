import Foundation

/// The fields of a create or update request, from a JSON body or a portal form, before validation.
///
/// A field that is absent is left alone by updates; a field that is `null` clears the value.
public struct Input: Sendable, Equatable {
    /// The raw values by field name.
    public var values: [String: JSONValue]

    /// Whether the values came from a form, where every value is text (a ticked box says "on").
    public let isForm: Bool

    /// Input from a decoded JSON object (or, with `isForm`, values a form's fields were made into).
    public init(_ values: [String: JSONValue], isForm: Bool = false) {
        self.values = values
        self.isForm = isForm
    }

    /// Input from form fields: an empty field is `null` (a form cannot tell "absent" from "cleared").
    public init(form fields: [String: String]) {
        values = fields.mapValues { $0.trimmingWhitespace().isEmpty ? .null : .string($0) }
        isForm = true
    }
}

/// One field as a request gave it: absent, explicitly null, or a value.
public enum Provided<Value: Sendable>: Sendable {
    case absent
    case null
    case value(Value)

    /// The value, nil when absent or null.
    public var value: Value? {
        if case .value(let value) = self { return value }
        return nil
    }

    /// The same absence or null for another type; a value becomes `.absent` (it was refused).
    func withoutValue<Other>() -> Provided<Other> {
        if case .null = self { return .null }
        return .absent
    }
}

extension Provided: Equatable where Value: Equatable {}
