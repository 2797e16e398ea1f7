import Foundation

/// Reads typed fields from an `Input`, collecting every problem instead of stopping at the first.
struct InputReader {
    private let input: Input
    private(set) var problems: [ValidationError.FieldError] = []
    private let allowed: Set<String>

    /// A reader of `input` that will report fields outside `allowed` as unknown.
    init(_ input: Input, allowed: Set<String>) {
        self.input = input
        self.allowed = allowed
    }

    /// Adds a problem found outside the reader (a missing reference, an impossible change).
    mutating func report(_ field: String, _ code: ValidationError.Code, _ message: String) {
        problems.append(.init(field: field, code: code, message: message))
    }

    /// True when a problem was reported for `field` already.
    func hasProblem(_ field: String) -> Bool {
        problems.contains { $0.field == field }
    }

    /// Every problem found so far, unknown fields included, in field order.
    var allProblems: [ValidationError.FieldError] {
        problems + input.values.keys.filter { !allowed.contains($0) }.sorted().map {
            ValidationError.FieldError(field: $0, code: .unknownField, message: "\($0) is not a field that can be set here.")
        }
    }

    /// Throws every problem found so far, unknown fields included.
    func finish() throws {
        let all = allProblems
        if !all.isEmpty { throw ValidationError(fields: all) }
    }

    /// Trimmed text of `min`…`max` characters; `required` refuses absent, null and blank.
    mutating func text(_ field: String, label: String, required: Bool = false, min: Int = 0, max: Int) -> Provided<String> {
        switch raw(field, required: required, label: label) {
        case .absent: return .absent
        case .null: return .null
        case .value(let value):
            guard case .string(let string) = value else { return wrongType(field, label: label, expected: "text", got: value) }
            let text = string.trimmingWhitespace()
            if text.isEmpty {
                if required { report(field, .required, "\(label) is required.") }
                return required ? .absent : .null
            }
            // Code points, as MariaDB's column lengths and JSON Schema count them (not grapheme clusters).
            let length = text.unicodeScalars.count
            if length < min {
                report(field, .tooShort, "\(label) must be at least \(min) characters.")
            } else if length > max {
                report(field, .tooLong, "\(label) must be at most \(max) characters.")
            }
            return .value(text)
        }
    }

    /// One of `choices`.
    mutating func choice<Choice: RawRepresentable & CaseIterable & Sendable>(
        _ field: String, label: String, as type: Choice.Type, required: Bool = false
    ) -> Provided<Choice> where Choice.RawValue == String {
        choice(field, label: label, among: Array(Choice.allCases), required: required)
    }

    /// One of `choices` (a subset of a type's values, such as the templates a document may be sent with).
    mutating func choice<Choice: RawRepresentable & Sendable>(
        _ field: String, label: String, among choices: [Choice], required: Bool = false
    ) -> Provided<Choice> where Choice.RawValue == String {
        let names = choices.map(\.rawValue)
        let text = text(field, label: label, required: required, max: 64)
        guard case .value(let name) = text else { return text.withoutValue() }
        guard names.contains(name), let parsed = Choice(rawValue: name) else {
            report(field, .invalidValue, "\(label) must be one of: \(names.joined(separator: ", ")).")
            return .absent
        }
        return .value(parsed)
    }

    /// An email address.
    mutating func email(_ field: String, label: String, required: Bool = false) -> Provided<String> {
        let text = text(field, label: label, required: required, max: 254)
        if case .value(let address) = text, !EmailAddress.isValid(address) {
            report(field, .invalidFormat, "\(label) must look like name@example.com.")
        }
        return text
    }

    /// A phone number in E.164 form (`+` and 8 to 15 digits).
    mutating func phone(_ field: String, label: String) -> Provided<String> {
        let text = text(field, label: label, max: 16)
        if case .value(let number) = text, !SendService.isE164(number) {
            report(field, .invalidFormat, "\(label) must be in E.164 form, such as +33612345678.")
        }
        return text
    }

    /// An absolute http or https address (`WebAddress`).
    mutating func url(_ field: String, label: String) -> Provided<String> {
        let text = text(field, label: label, max: 2048)
        if case .value(let address) = text, !WebAddress.isValid(address) {
            report(field, .invalidFormat, "\(label) must be an http:// or https:// address (other characters than ASCII percent-encoded).")
        }
        return text
    }

    /// A positive integer id (a JSON number, or digits in a form).
    mutating func id(_ field: String, label: String) -> Provided<Int64> {
        switch raw(field, required: false, label: label) {
        case .absent: return .absent
        case .null: return .null
        case .value(let value):
            let parsed: Int64? = switch value {
            case .number(let number): Self.wholeNumber(number)
            case .string(let text) where input.isForm: Int64(text.trimmingCharacters(in: .whitespaces))
            default: nil
            }
            guard let parsed, parsed > 0 else {
                report(field, .invalidFormat, "\(label) must be a positive whole number.")
                return .absent
            }
            return .value(parsed)
        }
    }

    /// An amount of money: at least 0, at most 2 decimals, below 10^13 (DECIMAL(15,2)).
    mutating func money(_ field: String, label: String) -> Provided<Decimal> {
        switch number(field, label: label) {
        case .absent: return .absent
        case .null: return .null
        case .value(let parsed):
            guard let parsed else {
                report(field, .invalidFormat, "\(label) must be a number such as 1250.50.")
                return .absent
            }
            if parsed < 0 {
                report(field, .outOfRange, "\(label) must be 0 or more.")
            } else if !Money.hasAtMostTwoDecimals(parsed) {
                report(field, .invalidFormat, "\(label) must have at most 2 decimals.")
            } else if parsed >= Money.limit {
                report(field, .outOfRange, "\(label) must be less than 10000000000000.")
            }
            return .value(parsed)
        }
    }

    /// A number in `range` with at most `decimals` places (a JSON number, or text such as "5.5").
    mutating func decimal(_ field: String, label: String, in range: ClosedRange<Decimal>, decimals: Int) -> Provided<Decimal> {
        switch number(field, label: label) {
        case .absent: return .absent
        case .null: return .null
        case .value(let parsed):
            guard let parsed else {
                report(field, .invalidFormat, "\(label) must be a number such as 5.5.")
                return .absent
            }
            guard range.contains(parsed), Money.rounded(parsed, places: decimals) == parsed else {
                report(field, .outOfRange, "\(label) must be a number from \(range.lowerBound) to \(range.upperBound) with at most \(decimals) decimals.")
                return .absent
            }
            return .value(parsed)
        }
    }

    /// A calendar date written `YYYY-MM-DD` that exists.
    mutating func date(_ field: String, label: String) -> Provided<CalendarDate> {
        let text = text(field, label: label, max: 10)
        guard case .value(let written) = text else { return text.withoutValue() }
        guard let date = CalendarDate(written) else {
            report(field, .invalidFormat, "\(label) must be a real date written YYYY-MM-DD.")
            return .absent
        }
        return .value(date)
    }

    /// A moment still to come, written in ISO 8601 with its offset (`2026-12-31T17:00:00Z`); the
    /// `kept` one may be sent back as it is (an edit form that shows it), past or not.
    mutating func deadline(_ field: String, label: String, kept: Date? = nil, now: Date = Date()) -> Provided<Date> {
        let text = text(field, label: label, max: 40)
        guard case .value(let written) = text else { return text.withoutValue() }
        guard let moment = ISOTimestamp.parse(written) else {
            report(field, .invalidFormat, "\(label) must be a date and time with its offset (at most ±18:00), such as 2026-12-31T17:00:00Z.")
            return .absent
        }
        guard moment > now || kept.map({ abs($0.timeIntervalSince(moment)) < 1 }) == true else {
            report(field, .outOfRange, "\(label) must be in the future.")
            return .absent
        }
        return .value(moment)
    }

    /// A JSON object (from a form: its JSON text), at most 64 KiB once encoded.
    mutating func object(_ field: String, label: String) -> Provided<[String: JSONValue]> {
        switch raw(field, required: false, label: label) {
        case .absent: return .absent
        case .null: return .null
        case .value(.object(let object)):
            return checkedSize(object, field: field, label: label)
        case .value(.string(let text)) where input.isForm:
            guard let data = text.data(using: .utf8),
                  case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: data)
            else {
                report(field, .invalidFormat, "\(label) must be a JSON object such as {\"key\": \"value\"}.")
                return .absent
            }
            return checkedSize(object, field: field, label: label)
        case .value(let value):
            return wrongType(field, label: label, expected: "an object", got: value)
        }
    }

    /// A whole number in `range` (a JSON number, or digits in a form).
    mutating func integer(_ field: String, label: String, in range: ClosedRange<Int>) -> Provided<Int> {
        switch raw(field, required: false, label: label) {
        case .absent: return .absent
        case .null: return .null
        case .value(let value):
            let parsed: Int64? = switch value {
            case .number(let number): Self.wholeNumber(number)
            case .string(let text) where input.isForm: Int64(text.trimmingCharacters(in: .whitespaces))
            default: nil
            }
            guard let parsed, let number = Int(exactly: parsed), range.contains(number) else {
                report(field, .outOfRange, "\(label) must be a whole number from \(range.lowerBound) to \(range.upperBound).")
                return .absent
            }
            return .value(number)
        }
    }

    /// A list of texts: a JSON array of strings, or (from a form) text split at commas and line breaks.
    mutating func strings(_ field: String, label: String, maxCount: Int) -> Provided<[String]> {
        switch raw(field, required: false, label: label) {
        case .absent: return .absent
        case .null: return .null
        case .value(.array(let items)):
            var texts: [String] = []
            for item in items {
                guard case .string(let text) = item else { return wrongType(field, label: label, expected: "a list of texts", got: item) }
                texts.append(text.trimmingCharacters(in: .whitespaces))
            }
            return checkedCount(texts, field: field, label: label, maxCount: maxCount)
        case .value(.string(let text)) where input.isForm:
            let texts = text.split(whereSeparator: { $0 == "," || $0.isNewline })
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            return checkedCount(texts, field: field, label: label, maxCount: maxCount)
        case .value(let value):
            return wrongType(field, label: label, expected: "a list", got: value)
        }
    }

    /// A yes/no answer: JSON `true`/`false` (nothing else), or a form's text; absent is no.
    mutating func flag(_ field: String, label: String) -> Bool {
        let answer: Bool?
        switch raw(field, required: false, label: label) {
        case .absent: answer = false
        case .value(.bool(let flag)): answer = flag
        // A form has only text: "on" from a ticked box, "true"/"false" from hidden fields; an emptied field is off.
        case .value(.string(let text)) where input.isForm: answer = Self.formFlags[text.lowercased()]
        case .null where input.isForm: answer = false
        case .null, .value: answer = nil
        }
        if answer == nil { report(field, .invalidFormat, "\(label) must be true or false.") }
        return answer ?? false
    }

    private static let formFlags = ["on": true, "true": true, "1": true, "yes": true, "off": false, "false": false, "0": false, "no": false]

    /// `document_ids` of a bulk operation: 1 to `maximum` positive ids, each once, in the order given.
    mutating func documentIDs(maximum: Int, purpose: String) -> [Int64] {
        guard case .array(let items)? = input.values["document_ids"], !items.isEmpty else {
            report("document_ids", .required, "List the ids of the documents \(purpose) (1 to \(maximum)).")
            return []
        }
        let ids: [Int64] = items.compactMap { item in
            switch item {
            case .number(let number): Self.wholeNumber(number)
            case .string(let text) where input.isForm: Int64(text)
            default: nil
            }
        }.filter { $0 > 0 }
        if ids.count != items.count {
            report("document_ids", .invalidFormat, "Document ids must be positive whole numbers.")
        } else if ids.count > maximum {
            report("document_ids", .tooLong, "At most \(maximum) documents at once.")
        }
        var seen = Set<Int64>()
        return ids.filter { seen.insert($0).inserted }
    }

    /// Whether `field` was given at all.
    func contains(_ field: String) -> Bool {
        input.values[field] != nil
    }

    /// The value of `field` as given (for nested objects, read by readers of their own).
    func value(_ field: String) -> JSONValue? {
        input.values[field]
    }

    /// Whether the input came from a form, where every value is text.
    var isForm: Bool { input.isForm }

    /// Reports every problem of a nested reader under `path` (`content.pricetables[0].rows[2]`).
    mutating func adopt(_ nested: InputReader, at path: String) {
        for problem in nested.allProblems {
            report("\(path).\(problem.field)", problem.code, problem.message)
        }
    }

    /// The number as an Int64 when it is whole and fits (1048577.0 is 1048577, as JSON Schema has it).
    static func wholeNumber(_ number: Decimal) -> Int64? {
        let whole = NSDecimalNumber(decimal: number).int64Value
        return Decimal(whole) == number ? whole : nil
    }

    private mutating func checkedSize(_ object: [String: JSONValue], field: String, label: String) -> Provided<[String: JSONValue]> {
        if let size = try? JSONEncoder().encode(object).count, size > 65_536 {
            report(field, .tooLong, "\(label) must be at most 64 KiB of JSON.")
        }
        return .value(object)
    }

    private mutating func checkedCount(_ texts: [String], field: String, label: String, maxCount: Int) -> Provided<[String]> {
        if texts.count > maxCount { report(field, .tooLong, "\(label) may hold at most \(maxCount) entries.") }
        return .value(texts)
    }

    private mutating func raw(_ field: String, required: Bool, label: String) -> Provided<JSONValue> {
        switch input.values[field] {
        case nil, .null?:
            if required { report(field, .required, "\(label) is required.") }
            return input.values[field] == nil ? .absent : .null
        case let value?:
            return .value(value)
        }
    }

    /// A number as given: a JSON number or its text ("1250.50"); a value of nil when it is neither.
    private mutating func number(_ field: String, label: String) -> Provided<Decimal?> {
        switch raw(field, required: false, label: label) {
        case .absent: return .absent
        case .null: return .null
        case .value(.number(let number)): return .value(number)
        case .value(.string(let text)): return .value(Money.parse(text))
        case .value: return .value(nil)
        }
    }

    private mutating func wrongType<T>(_ field: String, label: String, expected: String, got value: JSONValue) -> Provided<T> {
        report(field, .invalidFormat, "\(label) must be \(expected), not \(value.typeName).")
        return .absent
    }
}
