import Foundation

/// Writes JSON text directly, for the responses that carry many records (document lists).
///
/// Foundation's `JSONEncoder` builds a tree of boxed values and sorts keys before writing; for a
/// page of documents that was most of a request's CPU time. Records that appear in lists write
/// themselves here once, and their `Encodable` conformance reuses that output, so each record's
/// JSON shape is defined in one place.
public struct JSONWriter: Sendable {
    /// The UTF-8 text written so far.
    public private(set) var bytes: [UInt8] = []
    /// Whether the next member of the innermost open object or array needs a comma first.
    private var needsComma = false
    /// `needsComma` of each enclosing object or array, restored when the inner one closes.
    private var enclosing: [Bool] = []

    public init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    /// Opens an object (as a value: after a key, in an array, or at the top).
    public mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        open()
    }

    public mutating func endObject() {
        close()
        bytes.append(UInt8(ascii: "}"))
    }

    /// Opens an array (as a value).
    public mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        open()
    }

    public mutating func endArray() {
        close()
        bytes.append(UInt8(ascii: "]"))
    }

    /// Writes `"name":`; the value written next belongs to it.
    public mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        pendingValueAfterKey = true
    }

    /// Writes `"name":` for a name known only at run time (fields described by data).
    public mutating func key(named name: String) {
        separate()
        writeString(name)
        bytes.append(UInt8(ascii: ":"))
        pendingValueAfterKey = true
    }

    /// Set between a key and its value, so the value does not add a separator.
    private var pendingValueAfterKey = false

    public mutating func value(_ text: String?) {
        guard let text else { return null() }
        separate()
        writeString(text)
    }

    public mutating func value(_ number: Int?) {
        guard let number else { return null() }
        separate()
        bytes.append(contentsOf: String(number).utf8)
    }

    public mutating func value(_ number: Int64?) {
        guard let number else { return null() }
        separate()
        bytes.append(contentsOf: String(number).utf8)
    }

    public mutating func value(_ flag: Bool) {
        separate()
        bytes.append(contentsOf: (flag ? "true" : "false").utf8)
    }

    /// An exact decimal, as a JSON number: the digits `description` writes, without its cost
    /// (a twentieth of a document list's CPU time) when the significand fits in 18 digits.
    public mutating func value(_ number: Decimal?) {
        guard let number else { return null() }
        separate()
        let significand = number.significand
        guard number.isFinite, !number.isZero, significand < Self.eighteenDigits, (-18...18).contains(number.exponent) else {
            return bytes.append(contentsOf: number.description.utf8)
        }
        var digits = String(NSDecimalNumber(decimal: significand).uint64Value)
        // `description` writes no trailing zeros after the point.
        var exponent = number.exponent
        while exponent < 0, digits.hasSuffix("0") {
            digits.removeLast()
            exponent += 1
        }
        if number.sign == .minus { bytes.append(UInt8(ascii: "-")) }
        if exponent >= 0 {
            bytes.append(contentsOf: digits.utf8)
            bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: exponent))
        } else if digits.utf8.count > -exponent {
            let whole = digits.utf8.count + exponent
            bytes.append(contentsOf: digits.utf8.prefix(whole))
            bytes.append(UInt8(ascii: "."))
            bytes.append(contentsOf: digits.utf8.dropFirst(whole))
        } else {
            bytes.append(contentsOf: "0.".utf8)
            bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -exponent - digits.utf8.count))
            bytes.append(contentsOf: digits.utf8)
        }
    }

    private static let eighteenDigits = Decimal(string: "1000000000000000000")!

    /// A time as ISO 8601 in UTC to the second (`2025-01-20T10:30:00Z`), as `JSONEncoder`'s `.iso8601` writes it.
    public mutating func value(_ date: Date?) {
        guard let date else { return null() }
        separate()
        bytes.append(UInt8(ascii: "\""))
        ISOTimestamp.write(date, into: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Any JSON value; object keys are written sorted, as the API's encoder does.
    public mutating func value(_ json: JSONValue?) {
        switch json {
        case nil, .null?: null()
        case .bool(let flag)?: value(flag)
        case .number(let number)?: value(number)
        case .string(let text)?: value(text)
        case .array(let items)?:
            beginArray()
            for item in items { value(item) }
            endArray()
        case .object(let members)?:
            beginObject()
            for name in members.keys.sorted() {
                key(named: name)
                value(members[name])
            }
            endObject()
        }
    }

    public mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
    }

    /// Appends JSON produced elsewhere (by `JSONEncoder`) as one value.
    public mutating func raw(_ json: some Sequence<UInt8>) {
        separate()
        bytes.append(contentsOf: json)
    }

    private mutating func open() {
        enclosing.append(needsComma)
        needsComma = false
    }

    private mutating func close() {
        needsComma = enclosing.removeLast()
    }

    /// A comma before every member but the first of its object or array, none after a key.
    /// (At the top level nothing is open and `needsComma` stays false: one value, no commas.)
    private mutating func separate() {
        if pendingValueAfterKey {
            pendingValueAfterKey = false
        } else if needsComma {
            bytes.append(UInt8(ascii: ","))
        }
        needsComma = !enclosing.isEmpty
    }

    private mutating func writeString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        // Most text needs no escapes: copied whole rather than byte by byte.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            bytes.append(contentsOf: text.utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

/// A record that writes its own JSON (see `JSONWriter`).
public protocol JSONWritable: Encodable {
    /// Writes the record as one JSON object.
    func writeJSON(_ writer: inout JSONWriter)
}

extension JSONWritable {
    /// `Encodable` through the record's own JSON, so nested uses (a document inside another
    /// response) print exactly what lists print.
    public func encode(to encoder: any Encoder) throws {
        var writer = JSONWriter()
        writeJSON(&writer)
        try JSONDecoder().decode(JSONValue.self, from: Data(writer.bytes)).encode(to: encoder)
    }
}
