/// Reads typed query-string parameters, collecting every problem; empty values mean "no filter".
struct QueryReader {
    let parameters: [String: String]
    private(set) var problems: [ValidationError.FieldError] = []

    init(_ parameters: [String: String]) {
        self.parameters = parameters
    }

    /// The trimmed value, nil when absent or empty.
    func value(_ name: String) -> String? {
        let text = parameters[name]?.trimmingCharacters(in: .whitespaces)
        return text?.isEmpty == false ? text : nil
    }

    mutating func report(_ name: String, _ code: ValidationError.Code, _ message: String) {
        problems.append(.init(field: name, code: code, message: message))
    }

    mutating func choice<T: RawRepresentable & CaseIterable>(_ name: String, _: T.Type) -> T? where T.RawValue == String {
        guard let text = value(name) else { return nil }
        guard let parsed = T(rawValue: text) else {
            report(name, .invalidValue, "\(name) must be one of: \(T.allCases.map(\.rawValue).joined(separator: ", ")).")
            return nil
        }
        return parsed
    }

    mutating func id(_ name: String) -> Int64? {
        guard let text = value(name) else { return nil }
        guard let parsed = Int64(text), parsed > 0 else {
            report(name, .invalidFormat, "\(name) must be a positive whole number.")
            return nil
        }
        return parsed
    }

    /// `date_from` and `date_to`, the second not before the first.
    mutating func dateRange() -> (from: CalendarDate?, to: CalendarDate?) {
        let from = date("date_from")
        let to = date("date_to")
        if let from, let to, to < from {
            report("date_to", .outOfRange, "date_to must not be before date_from.")
        }
        return (from, to)
    }

    mutating func page() -> PageRequest {
        PageRequest(query: parameters, reader: &problems)
    }

    /// Reports each parameter not in `allowed`.
    mutating func refuseOthers(than allowed: Set<String>) {
        for name in parameters.keys.sorted() where !allowed.contains(name) {
            report(name, .unknownField, "\(name) is not a parameter here.")
        }
    }

    /// Throws every problem found.
    func finish() throws {
        if !problems.isEmpty { throw ValidationError(fields: problems) }
    }

    private mutating func date(_ name: String) -> CalendarDate? {
        guard let text = value(name) else { return nil }
        guard let parsed = CalendarDate(text) else {
            report(name, .invalidFormat, "\(name) must be a real date written YYYY-MM-DD.")
            return nil
        }
        return parsed
    }
}
