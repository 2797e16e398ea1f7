import Foundation

/// Where a lead, or one sync of it, came from.
public enum LeadSource: String, Sendable, CaseIterable {
    /// `POST /api/v1/leads/sync` (or its batch).
    case api
    /// A recipient's Register on a document's link.
    case document
}

/// What one sync (or a recipient's Register, or an edit) says about a lead, validated: fields it
/// gives replace, fields it leaves out stay, custom fields set to null are removed.
public struct LeadChanges: Sendable, Equatable {
    /// Trimmed and lower-cased: the merge key.
    public var email: String
    /// Standard fields given, by `LeadStandardField` raw value: a text replaces, nil clears.
    public var fields: [String: String?] = [:]
    /// Custom fields given, by name: a value sets, `.null` removes.
    public var custom: [String: JSONValue] = [:]

    /// `lead_syncs.changes` as the worker reads it back (the email has its own column).
    struct Stored {
        let fields: [String: String?]
        let custom: [String: JSONValue]

        /// What `storedJSON` wrote.
        init(json: String) throws {
            let object = try JSONParser.object(json.utf8)
            var fields: [String: String?] = [:]
            if case .object(let given)? = object["fields"] {
                for (name, value) in given { fields[name] = .some(value.text) }
            }
            self.fields = fields
            if case .object(let custom)? = object["custom"] { self.custom = custom } else { custom = [:] }
        }
    }

    /// The changes as `lead_syncs.changes` keeps them, written directly (a sync's hot path).
    var storedJSON: String {
        var w = JSONWriter(capacity: 256)
        w.beginObject()
        w.key("custom")
        w.beginObject()
        for (name, value) in custom.sorted(by: { $0.key < $1.key }) { w.key(named: name); w.value(value) }
        w.endObject()
        w.key("fields")
        w.beginObject()
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) { w.key(named: name); w.value(value) }
        w.endObject()
        w.endObject()
        return String(decoding: w.bytes, as: UTF8.self)
    }

    init(email: String, stored: Stored) {
        self.email = email
        fields = stored.fields
        custom = stored.custom
    }

    init(email: String, fields: [String: String?] = [:], custom: [String: JSONValue] = [:]) {
        self.email = Self.key(email)
        self.fields = fields
        self.custom = custom
    }

    /// An email as leads are keyed by it.
    static func key(_ email: String) -> String {
        email.trimmingWhitespace().lowercased()
    }

    /// The names `leadInfo` may hold: the email and each standard field in either spelling.
    private static let infoFields = Set(["email"] + LeadStandardField.allCases.flatMap { [$0.rawValue, $0.camelName] })

    /// Custom fields per request at most, and a custom value's longest text.
    static let maximumCustomFields = 100
    static let maximumValueLength = 2000

    /// A sync's body: `leadInfo` (email required) and `leadCustomField`, or the same in
    /// snake_case (`lead_info`, `lead_custom_field`, `crm_lead_id`, …). Every problem is reported,
    /// under its path (`leadInfo.email`).
    public static func sync(_ input: Input) throws -> LeadChanges {
        var reader = InputReader(input, allowed: ["leadInfo", "lead_info", "leadCustomField", "lead_custom_field"])
        var email: String?
        var fields: [String: String?] = [:]
        if let name = either("leadInfo", "lead_info", in: &reader) {
            switch reader.value(name) {
            case .object(let object)?:
                var nested = InputReader(Input(object), allowed: infoFields)
                email = readEmail(&nested, required: true)
                fields = readStandard(&nested, camelCase: true)
                reader.adopt(nested, at: name)
            case let value?:
                reader.report(name, .invalidFormat, "\(name) must be an object, not \(value.typeName).")
            case nil: break
            }
        } else {
            reader.report("leadInfo", .required, "leadInfo is required, with at least the lead's email.")
        }
        var custom: [String: JSONValue] = [:]
        if let name = either("leadCustomField", "lead_custom_field", in: &reader) {
            switch reader.value(name) {
            case .object(let object)?: custom = readCustom(object, at: name, into: &reader)
            case .null?: break
            case let value?: reader.report(name, .invalidFormat, "\(name) must be an object of field names and values, not \(value.typeName).")
            case nil: break
            }
        }
        try reader.finish()
        return LeadChanges(email: email ?? "", fields: fields, custom: custom)
    }

    /// An edit of a lead (`PUT /api/v1/leads/{id}`, the portal's form): the standard fields in
    /// snake_case, `email`, and `custom_fields`. `isTaken` tells whether another lead has an email.
    static func edit(_ input: Input, email current: String, isTaken: (String) async throws -> Bool) async throws -> LeadChanges {
        var reader = InputReader(input, allowed: Set(["email", "custom_fields"] + LeadStandardField.allCases.map(\.rawValue)))
        let email = reader.contains("email") ? readEmail(&reader, required: true) : current
        if let email, email != current, try await isTaken(email) {
            reader.report("email", .duplicate, "Another lead has the email \(email).")
        }
        let fields = readStandard(&reader, camelCase: false)
        var custom: [String: JSONValue] = [:]
        if case .value(let object) = reader.object("custom_fields", label: "Custom fields") {
            custom = readCustom(object, at: "custom_fields", into: &reader)
        }
        try reader.finish()
        return LeadChanges(email: email ?? current, fields: fields, custom: custom)
    }

    /// What a recipient's Register says: the name's first word is the first name, the rest the last name.
    static func registration(name: String, email: String, company: String?, phone: String?) -> LeadChanges {
        let words = name.split(separator: " ", maxSplits: 1).map(String.init)
        var fields: [String: String?] = [:]
        if let first = words.first { fields[LeadStandardField.firstName.rawValue] = .some(String(first.prefix(100))) }
        // A single name leaves a last name known from elsewhere alone.
        if words.count > 1 { fields[LeadStandardField.lastName.rawValue] = .some(String(words[1].prefix(100))) }
        if let company { fields[LeadStandardField.company.rawValue] = .some(company) }
        if let phone { fields[LeadStandardField.phone.rawValue] = .some(phone) }
        return LeadChanges(email: email, fields: fields)
    }

    /// The one of two spellings that was given; both given is a problem.
    private static func either(_ camel: String, _ snake: String, in reader: inout InputReader) -> String? {
        switch (reader.contains(camel), reader.contains(snake)) {
        case (true, true):
            reader.report(snake, .duplicate, "Give \(camel) or \(snake), not both.")
            return camel
        case (true, false): return camel
        case (false, true): return snake
        case (false, false): return nil
        }
    }

    private static func readEmail(_ reader: inout InputReader, required: Bool) -> String? {
        reader.email("email", label: "Email", required: required).value.map(key)
    }

    /// The standard fields given (in either spelling when `camelCase`): text, or null to clear.
    private static func readStandard(_ reader: inout InputReader, camelCase: Bool) -> [String: String?] {
        var fields: [String: String?] = [:]
        for field in LeadStandardField.allCases {
            guard let name = camelCase && field.camelName != field.rawValue
                ? either(field.camelName, field.rawValue, in: &reader)
                : (reader.contains(field.rawValue) ? field.rawValue : nil)
            else { continue }
            // Publitrac's example gives crmLeadId as a number: a whole one is kept as its digits.
            if field == .crmLeadID, case .number(let number)? = reader.value(name) {
                if let whole = InputReader.wholeNumber(number) {
                    fields[field.rawValue] = .some(String(whole))
                } else {
                    reader.report(name, .invalidFormat, "\(name) must be text or a whole number.")
                }
                continue
            }
            switch reader.text(name, label: name, max: field.maxLength) {
            case .value(let text): fields[field.rawValue] = .some(text.isEmpty ? nil : text)
            case .null: fields[field.rawValue] = .some(nil)
            case .absent: break  // refused, and reported
            }
        }
        return fields
    }

    /// Custom fields: names of letters, digits, `_`, `-` and `.` (64 at most); values text,
    /// numbers, booleans, or null to remove.
    private static func readCustom(_ object: [String: JSONValue], at path: String, into reader: inout InputReader) -> [String: JSONValue] {
        if object.count > maximumCustomFields {
            reader.report(path, .tooLong, "\(path) may hold at most \(maximumCustomFields) fields.")
        }
        var custom: [String: JSONValue] = [:]
        var seen: [String: String] = [:]
        for (name, value) in object.sorted(by: { $0.key < $1.key }) {
            let field = "\(path).\(name)"
            guard isFieldName(name) else {
                reader.report(field, .invalidFormat, "A custom field's name is 1 to 64 letters, digits, '_', '-' or '.', starting with a letter or digit.")
                continue
            }
            if let other = seen.updateValue(name, forKey: name.lowercased()) {
                reader.report(field, .duplicate, "\(name) and \(other) are the same field (names ignore case).")
                continue
            }
            switch value {
            case .string(let text) where text.count > maximumValueLength:
                reader.report(field, .tooLong, "\(name) must be at most \(maximumValueLength) characters.")
            case .string(let text):
                custom[name] = .string(text.trimmingWhitespace())
            case .number, .bool, .null:
                custom[name] = value
            case .array, .object:
                reader.report(field, .invalidFormat, "\(name) must be text, a number, a boolean or null (to remove it), not \(value.typeName).")
            }
        }
        return custom
    }

    /// Letters, digits, `_`, `-`, `.`; 1 to 64 characters, the first a letter or digit.
    static func isFieldName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= 64,
              first.isASCIIAlphanumeric else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCIIAlphanumeric || "_-.".unicodeScalars.contains($0) }
    }
}

extension Unicode.Scalar {
    fileprivate var isASCIIAlphanumeric: Bool {
        ("a"..."z").contains(self) || ("A"..."Z").contains(self) || ("0"..."9").contains(self)
    }
}
