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

extension Contact: JSONWritable {
    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.key("id"); w.value(id)
        w.key("organization_id"); w.value(organizationID)
        w.key("organization_name"); w.value(organizationName)
        for field in ProfileField.contact {
            w.key(named: field.name); w.value(fields[field.name])
        }
        w.key("created_at"); w.value(createdAt)
        w.key("updated_at"); w.value(updatedAt)
        w.endObject()
    }
}
