import Engage

extension ValidationError {
    /// The first message of each field in the reader's language, for templates that show it next to the field.
    var messagesByField: [String: String] {
        Dictionary(fields.map { ($0.field, PortalLocale.current.message(of: $0, standalone: false)) }, uniquingKeysWith: { first, _ in first })
    }

    /// Every message in the reader's language, for the list above a form.
    var messages: [String] {
        fields.map { PortalLocale.current.message(of: $0, standalone: true) }
    }
}

extension PortalLocale {
    /// A field problem as this reader reads it: the service's own sentence in English; in French,
    /// what is wrong by its kind (the field beside it names it; alone in a list, its name follows).
    func message(of problem: ValidationError.FieldError, standalone: Bool) -> String {
        guard language != .en else { return problem.message }
        let key = switch problem.code {
        case .required: "fieldRequired"
        case .invalidFormat: "fieldInvalidFormat"
        case .invalidValue: "fieldCheck"
        case .tooShort: "fieldTooShort"
        case .tooLong: "fieldTooLong"
        case .outOfRange: "fieldOutOfRange"
        case .notFound: "fieldNotFound"
        case .duplicate: "fieldDuplicate"
        case .unknownField: "fieldUnknown"
        }
        return standalone ? "\(text(key)) (\(problem.field))" : text(key)
    }
}
