import Foundation

/// A company documents are sent to.
public struct Organization: Sendable, Equatable {
    public let id: Int64
    /// The `ProfileField.organization` values that are set, by field name.
    public let fields: [String: String]
    public let createdAt: Date
    public let updatedAt: Date

    /// The company name (always set).
    public var name: String { fields["name"] ?? "" }
}

extension Organization: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: DynamicKey.self)
        try container.encode(id, forKey: "id")
        for field in ProfileField.organization {
            try container.encode(fields[field.name], forKey: DynamicKey(field.name))
        }
        try container.encode(createdAt, forKey: "created_at")
        try container.encode(updatedAt, forKey: "updated_at")
    }
}

/// A coding key made from any string, for records whose fields are described by data.
struct DynamicKey: CodingKey, ExpressibleByStringLiteral {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init(stringLiteral name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
