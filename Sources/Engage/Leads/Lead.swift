import Foundation

/// A person known by their email, from integrators' syncs or a recipient's Register, until
/// converted into a contact (and an organization from their company).
public struct Lead: Sendable, Equatable {
    public let id: Int64
    public var email: String
    /// The standard fields that are set, by `LeadStandardField` raw value.
    public var fields: [String: String]
    /// The custom fields that are set, by name.
    public var custom: [LeadValue]
    /// Where the lead was first met.
    public let source: LeadSource
    public var contactID: Int64?
    public var organizationID: Int64?
    public var convertedAt: Date?
    public let createdAt: Date
    public var updatedAt: Date

    public func field(_ field: LeadStandardField) -> String? { fields[field.rawValue] }

    /// "First Last", else the email.
    public var displayName: String {
        let name = [field(.firstName), field(.lastName)].compactMap { $0 }.joined(separator: " ")
        return name.isEmpty ? email : name
    }

    public func value(of name: String) -> LeadValue? {
        custom.first { $0.name.lowercased() == name.lowercased() }
    }
}

/// One custom field's value on one lead.
public struct LeadValue: Sendable, Equatable {
    public let fieldID: Int64
    public let name: String
    public let type: LeadFieldType
    /// The canonical text of the field's type, or the text as given when `flagged`.
    public var value: String
    /// The value did not fit the field's type and is kept as text.
    public var flagged: Bool

    /// The value as JSON: typed, unless flagged.
    public var json: JSONValue { flagged ? .string(value) : type.json(value) }
}

extension Lead: JSONWritable {
    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        writeMembers(&w)
        w.endObject()
    }

    /// The lead's members, for objects that add their own (a lead with its history).
    public func writeMembers(_ w: inout JSONWriter) {
        w.key("id"); w.value(id)
        w.key("email"); w.value(email)
        for field in LeadStandardField.allCases {
            w.key(named: field.rawValue); w.value(fields[field.rawValue])
        }
        w.key("custom_fields")
        w.beginObject()
        for value in custom {
            w.key(named: value.name); w.value(value.json)
        }
        w.endObject()
        w.key("flagged_fields")
        w.beginArray()
        for value in custom where value.flagged { w.value(value.name) }
        w.endArray()
        w.key("source"); w.value(source.rawValue)
        w.key("contact_id"); w.value(contactID)
        w.key("organization_id"); w.value(organizationID)
        w.key("converted_at"); w.value(convertedAt)
        w.key("created_at"); w.value(createdAt)
        w.key("updated_at"); w.value(updatedAt)
    }
}

/// One accepted sync and what became of it.
public struct LeadSync: Sendable, Equatable {
    public enum Status: String, Sendable { case queued, processed }
    public enum Outcome: String, Sendable { case created, updated }

    public let id: Int64
    public let status: Status
    public let email: String
    public let source: LeadSource
    public let documentID: Int64?
    public let leadID: Int64?
    public let outcome: Outcome?
    /// Custom fields whose value did not fit their type.
    public let flagged: [String]
    /// What the sync gave (standard fields, then custom ones).
    public let changes: LeadChanges
    public let createdAt: Date
    public let processedAt: Date?
    /// The document's title, for a lead's history.
    public var documentTitle: String? = nil
}

extension LeadSync: JSONWritable {
    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.key("id"); w.value(id)
        w.key("status"); w.value(status.rawValue)
        w.key("email"); w.value(email)
        w.key("source"); w.value(source.rawValue)
        w.key("document_id"); w.value(documentID)
        w.key("lead_id"); w.value(leadID)
        w.key("outcome"); w.value(outcome?.rawValue)
        w.key("flagged_fields")
        w.beginArray()
        for name in flagged { w.value(name) }
        w.endArray()
        w.key("created_at"); w.value(createdAt)
        w.key("processed_at"); w.value(processedAt)
        w.endObject()
    }
}
