import Foundation

/// A person documents are sent to, possibly working for an organization.
public struct Contact: Sendable, Equatable {
    public let id: Int64
    public let organizationID: Int64?
    /// The organization's name, for lists and exports.
    public let organizationName: String?
    /// The `ProfileField.contact` values that are set, by field name.
    public let fields: [String: String]
    public let createdAt: Date
    public let updatedAt: Date

    /// The person's full name (always set).
    public var fullname: String { fields["fullname"] ?? "" }
    /// The person's email (always set).
    public var email: String { fields["email"] ?? "" }
}

extension Contact: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: DynamicKey.self)
        try container.encode(id, forKey: "id")
        try container.encode(organizationID, forKey: "organization_id")
        try container.encode(organizationName, forKey: "organization_name")
        for field in ProfileField.contact {
            try container.encode(fields[field.name], forKey: DynamicKey(field.name))
        }
        try container.encode(createdAt, forKey: "created_at")
        try container.encode(updatedAt, forKey: "updated_at")
    }
}
