import Foundation

/// Why a body could not be read as JSON: where, and what was wrong.
public struct JSONSyntaxError: Error, Sendable, Equatable {
    /// The path of the value that could not be kept (`leadInfo.email`), empty for a syntax error.
    public let path: String
    public let message: String
}

/// Reads JSON text straight into `JSONValue`, with the rules of `JSONValue`'s `Decodable` reading
/// (numbers beyond ±1e125 refused, closer to 0 than 1e-128 kept as 0) at a fraction of
/// `JSONDecoder`'s cost: every API body goes through it.
public struct JSONParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var path: [String] = []
    /// Nesting deeper than this is refused (as `JSONDecoder` does), so no body can exhaust the stack.
    private static let maximumDepth = 512

    /// The JSON object of `data`; anything else is a `JSONSyntaxError`.
    public static func object(_ data: some Sequence<UInt8>) throws -> [String: JSONValue] {
        let bytes = Array(data)
        return try bytes.withUnsafeBufferPointer { buffer in
            var parser = JSONParser(bytes: buffer)
            // A UTF-8 byte-order mark is allowed before the text.
            if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { parser.index = 3 }
            parser.skipSpace()
            guard parser.peek == UInt8(ascii: "{") else {
                throw JSONSyntaxError(path: "", message: "The request body must be a JSON object.")
            }
            let value = try parser.value(depth: 0)
            parser.skipSpace()
            guard parser.index == buffer.count, case .object(let object) = value else { throw parser.invalid() }
            return object
        }
    }

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    private func invalid() -> JSONSyntaxError {
        JSONSyntaxError(path: "", message: "The request body is not valid JSON.")
    }

    private mutating func skipSpace() {
        while let byte = peek, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    private mutating func value(depth: Int) throws -> JSONValue {
        guard depth < Self.maximumDepth else { throw invalid() }
        skipSpace()
        guard let byte = peek else { throw invalid() }
        switch byte {
        case UInt8(ascii: "{"): return .object(try object(depth: depth))
        case UInt8(ascii: "["): return .array(try array(depth: depth))
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return .number(try number())
        }
    }

    private mutating func object(depth: Int) throws -> [String: JSONValue] {
        index += 1
        var object: [String: JSONValue] = [:]
        skipSpace()
        if peek == UInt8(ascii: "}") { index += 1; return object }
        while true {
            skipSpace()
            guard peek == UInt8(ascii: "\"") else { throw invalid() }
            let key = try string()
            skipSpace()
            guard peek == UInt8(ascii: ":") else { throw invalid() }
            index += 1
            path.append(key)
            let parsed = try value(depth: depth + 1)
            path.removeLast()
            // A repeated key keeps its first value, as JSONDecoder does.
            if object[key] == nil { object[key] = parsed }
            skipSpace()
            switch peek {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; return object
            default: throw invalid()
            }
        }
    }

    private mutating func array(depth: Int) throws -> [JSONValue] {
        index += 1
        var array: [JSONValue] = []
        skipSpace()
        if peek == UInt8(ascii: "]") { index += 1; return array }
        while true {
            path.append(String(array.count))
            array.append(try value(depth: depth + 1))
            path.removeLast()
            skipSpace()
            switch peek {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"): index += 1; return array
            default: throw invalid()
            }
        }
    }

    private mutating func literal(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw invalid() }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { throw invalid() }
        index += count
    }

    /// A string: escapes decoded, surrogates paired, control characters and invalid UTF-8 refused.
    private mutating func string() throws -> String {
        index += 1
        let start = index
        // The common case: no escape, read in place.
        while let byte = peek, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\"), byte >= 0x20 { index += 1 }
        if peek == UInt8(ascii: "\"") {
            defer { index += 1 }
            guard let text = String(validating: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self) else { throw invalid() }
            return text
        }
        var buffer = Array(bytes[start..<index])
        while let byte = peek {
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: buffer, as: UTF8.self) else { throw invalid() }
                return text
            case UInt8(ascii: "\\"):
                guard let escaped = peek else { throw invalid() }
                index += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): buffer.append(escaped)
                case UInt8(ascii: "b"): buffer.append(0x08)
                case UInt8(ascii: "f"): buffer.append(0x0C)
                case UInt8(ascii: "n"): buffer.append(0x0A)
                case UInt8(ascii: "r"): buffer.append(0x0D)
                case UInt8(ascii: "t"): buffer.append(0x09)
                case UInt8(ascii: "u"): buffer.append(contentsOf: String(try unicodeEscape()).utf8)
                default: throw invalid()
                }
            case 0..<0x20: throw invalid()
            default: buffer.append(byte)
            }
        }
        throw invalid()
    }

    /// The character of `\uXXXX` (the `\u` read), with the low half of a surrogate pair when it needs one.
    private mutating func unicodeEscape() throws -> Character {
        let first = try hex4()
        if (0xDC00...0xDFFF).contains(first) { throw invalid() }
        guard (0xD800...0xDBFF).contains(first) else {
            guard let scalar = Unicode.Scalar(first) else { throw invalid() }
            return Character(scalar)
        }
        guard index + 2 <= bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else { throw invalid() }
        index += 2
        let second = try hex4()
        guard (0xDC00...0xDFFF).contains(second),
              let scalar = Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))
        else { throw invalid() }
        return Character(scalar)
    }

    private mutating func hex4() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw invalid() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8 = switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: throw invalid()
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// A number by JSON's grammar, as a `Decimal` within ±1e125.
    private mutating func number() throws -> Decimal {
        let start = index
        if peek == UInt8(ascii: "-") { index += 1 }
        guard let first = peek, first.isDigit else { throw invalid() }
        index += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        // Most numbers are small integers: read exactly without Decimal's string parsing.
        if index - start <= 18, peek != UInt8(ascii: "."), peek != UInt8(ascii: "e"), peek != UInt8(ascii: "E") {
            return Decimal(Self.integer(bytes[start..<index]))
        }
        if peek == UInt8(ascii: ".") {
            index += 1
            guard peek?.isDigit == true else { throw invalid() }
            skipDigits()
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            index += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
            guard peek?.isDigit == true else { throw invalid() }
            skipDigits()
        }
        let token = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        if let decimal = Decimal(string: token, locale: Self.posix), decimal.isFinite {
            guard decimal.magnitude <= JSONValue.largestNumber else { throw outOfRange() }
            return decimal
        }
        // What Decimal cannot hold: closer to 0 than 1e-128 is kept as 0, anything larger is refused.
        guard let double = Double(token), abs(double) < 1 else { throw outOfRange() }
        return 0
    }

    /// An optionally negative run of at most 18 digits, which Int64 always holds.
    private static func integer(_ token: Slice<UnsafeBufferPointer<UInt8>>) -> Int64 {
        let negative = token.first == UInt8(ascii: "-")
        let magnitude = token.dropFirst(negative ? 1 : 0).reduce(Int64(0)) { $0 * 10 + Int64($1 - UInt8(ascii: "0")) }
        return negative ? -magnitude : magnitude
    }

    private mutating func skipDigits() {
        while peek?.isDigit == true { index += 1 }
    }

    private func outOfRange() -> JSONSyntaxError {
        JSONSyntaxError(path: path.joined(separator: "."), message: "Numbers must lie between -1e125 and 1e125.")
    }

    private static let posix = Locale(identifier: "en_US_POSIX")
}

extension UInt8 {
    fileprivate var isDigit: Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) }
}
