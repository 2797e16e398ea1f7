/// Every problem found in one input, reported at once so the user can fix them all in one go.
public struct ValidationError: Error, Sendable, Equatable {
    /// One field's problem.
    public struct FieldError: Sendable, Equatable {
        /// The input field, as named in the API (`title`, `due_date`).
        public let field: String
        /// What kind of problem it is.
        public let code: Code
        /// A sentence for people.
        public let message: String

        /// Describes a problem with `field`.
        public init(field: String, code: Code, message: String) {
            self.field = field
            self.code = code
            self.message = message
        }
    }

    /// Kinds of field problems; the raw values are the API's error codes.
    public enum Code: String, Sendable {
        case required = "VALIDATION_REQUIRED_FIELD"
        case invalidFormat = "VALIDATION_INVALID_FORMAT"
        case invalidValue = "VALIDATION_INVALID_VALUE"
        case tooShort = "VALIDATION_TOO_SHORT"
        case tooLong = "VALIDATION_TOO_LONG"
        case outOfRange = "VALIDATION_OUT_OF_RANGE"
        case notFound = "VALIDATION_REFERENCE_NOT_FOUND"
        case duplicate = "VALIDATION_DUPLICATE"
        case unknownField = "VALIDATION_UNKNOWN_FIELD"
    }

    /// The problems, in the order the fields were checked.
    public let fields: [FieldError]

    /// An error listing `fields`; there must be at least one.
    public init(fields: [FieldError]) {
        precondition(!fields.isEmpty, "a validation error needs at least one field error")
        self.fields = fields
    }
}
