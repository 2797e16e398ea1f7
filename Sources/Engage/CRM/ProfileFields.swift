/// The free-text fields of organizations and contacts (the Offorte company and people fields).
///
/// Both records hold many optional text fields that are validated, stored and shown alike, so they
/// are described once here instead of being spelled out in every layer.
public struct ProfileField: Sendable {
    /// How a field's text is checked.
    public enum Kind: Sendable {
        case text(max: Int)
        case email
        case url
    }

    /// The API name, which is also the column name.
    public let name: String
    /// The name people read in forms and errors.
    public let label: String
    public let kind: Kind

    /// The company fields of the Offorte API, in the order forms show them.
    public static let organization: [ProfileField] = [
        .init(name: "name", label: "Name", kind: .text(max: 200)),
        .init(name: "email", label: "Email", kind: .email),
        .init(name: "phone", label: "Phone", kind: .text(max: 40)),
        .init(name: "fax", label: "Fax", kind: .text(max: 40)),
        .init(name: "street", label: "Street", kind: .text(max: 200)),
        .init(name: "zipcode", label: "Zip code", kind: .text(max: 20)),
        .init(name: "city", label: "City", kind: .text(max: 100)),
        .init(name: "state", label: "State", kind: .text(max: 100)),
        .init(name: "country", label: "Country", kind: .text(max: 100)),
        .init(name: "internet", label: "Website", kind: .url),
        .init(name: "linkedin", label: "LinkedIn", kind: .url),
        .init(name: "facebook", label: "Facebook", kind: .url),
        .init(name: "twitter", label: "Twitter", kind: .url),
        .init(name: "coc_number", label: "Chamber of commerce number", kind: .text(max: 40)),
        .init(name: "vat_number", label: "VAT number", kind: .text(max: 40)),
    ]

    /// The people fields of the Offorte API, in the order forms show them.
    public static let contact: [ProfileField] = [
        .init(name: "salutation", label: "Salutation", kind: .text(max: 20)),
        .init(name: "firstname", label: "First name", kind: .text(max: 100)),
        .init(name: "lastname", label: "Last name", kind: .text(max: 100)),
        .init(name: "fullname", label: "Full name", kind: .text(max: 200)),
        .init(name: "email", label: "Email", kind: .email),
        .init(name: "phone", label: "Phone", kind: .text(max: 40)),
        .init(name: "mobile", label: "Mobile", kind: .text(max: 40)),
        .init(name: "street", label: "Street", kind: .text(max: 200)),
        .init(name: "zipcode", label: "Zip code", kind: .text(max: 20)),
        .init(name: "city", label: "City", kind: .text(max: 100)),
        .init(name: "state", label: "State", kind: .text(max: 100)),
        .init(name: "country", label: "Country", kind: .text(max: 100)),
        .init(name: "internet", label: "Website", kind: .url),
        .init(name: "linkedin", label: "LinkedIn", kind: .url),
        .init(name: "facebook", label: "Facebook", kind: .url),
        .init(name: "twitter", label: "Twitter", kind: .url),
    ]
}

extension InputReader {
    /// Reads one profile field with the check its kind calls for.
    mutating func profile(_ field: ProfileField, required: Bool) -> Provided<String> {
        switch field.kind {
        case .text(let max): text(field.name, label: field.label, required: required, max: max)
        case .email: email(field.name, label: field.label, required: required)
        case .url: url(field.name, label: field.label)
        }
    }
}
