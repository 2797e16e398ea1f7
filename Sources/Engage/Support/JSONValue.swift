import Foundation

/// Any JSON value, kept exactly: numbers stay `Decimal` so amounts never pass through `Double`.
public enum JSONValue: Sendable, Equatable, Codable {
    case null
    case bool(Bool)
    case number(Decimal)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The largest magnitude a number may have (1e125).
    static let largestNumber = Decimal(sign: .plus, exponent: 125, significand: 1)

    /// The text of a string value.
    public var text: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        // The commonest kinds first: each kind tried in vain costs a thrown error.
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Decimal.self) {
            // The bound the API documents for any JSON value (FreeJSON), whatever Decimal could hold.
            guard value.magnitude <= Self.largestNumber else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "Numbers must lie between -1e125 and 1e125.")
            }
            self = .number(value)
        } else if let value = try? container.decode(Double.self) {
            // A number Decimal cannot hold: closer to 0 than 1e-128 is kept as 0; beyond 1e165 it cannot be kept.
            guard abs(value) < 1 else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "Numbers must lie between -1e125 and 1e125.")
            }
            self = .number(0)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// The JSON type's name, for error messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
