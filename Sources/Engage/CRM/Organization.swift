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

extension Organization: JSONWritable {
    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.key("id"); w.value(id)
        for field in ProfileField.organization {
            w.key(named: field.name); w.value(fields[field.name])
        }
        w.key("created_at"); w.value(createdAt)
        w.key("updated_at"); w.value(updatedAt)
        w.endObject()
    }
}
