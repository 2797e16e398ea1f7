import Foundation

/// One value sent to or read from MariaDB through the binary protocol.
public enum MariaDBValue: Sendable, Hashable {
    case null
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    /// Exact decimal, for money (`DECIMAL` columns); never passes through floating point.
    case decimal(Decimal)
    case string(String)
    case bytes(Data)
    /// A point in time; `DATETIME` columns hold it in UTC with microseconds.
    case date(Date)

    /// A JSON document encoded from any `Encodable` value, bound as text.
    public static func json(_ value: some Encodable) throws -> MariaDBValue {
        let data = try JSONEncoder.sorted.encode(value)
        return .string(String(decoding: data, as: UTF8.self))
    }

    /// The name of the case, used in type-mismatch messages.
    @usableFromInline var kindName: String {
        switch self {
        case .null: "NULL"
        case .int: "an integer"
        case .uint: "an unsigned integer"
        case .double: "a double"
        case .decimal: "a decimal"
        case .string: "a string"
        case .bytes: "bytes"
        case .date: "a date"
        }
    }
}

extension JSONEncoder {
    /// Sorted keys make stored JSON stable, so equal documents compare equal in SQL.
    static let sorted: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()
}

/// A Swift type that can be bound to a `?` placeholder.
public protocol MariaDBEncodable: Sendable {
    /// The value sent to the server.
    var mariaDBValue: MariaDBValue { get }
}

/// A Swift type that can be decoded from a column.
public protocol MariaDBDecodable {
    /// Returns nil when `value` does not hold this type.
    static func decode(from value: MariaDBValue) -> Self?
}

extension MariaDBValue: MariaDBEncodable, MariaDBDecodable {
    public var mariaDBValue: MariaDBValue { self }
    @inlinable public static func decode(from value: MariaDBValue) -> MariaDBValue? { value }
}

extension Int64: MariaDBEncodable, MariaDBDecodable {
    public var mariaDBValue: MariaDBValue { .int(self) }
    @inlinable public static func decode(from value: MariaDBValue) -> Int64? {
        switch value {
        case .int(let v): v
        case .uint(let v): Int64(exactly: v)
        default: nil
        }
    }
}

extension Int: MariaDBEncodable, MariaDBDecodable {
    public var mariaDBValue: MariaDBValue { .int(Int64(self)) }
    @inlinable public static func decode(from value: MariaDBValue) -> Int? {
        Int64.decode(from: value).flatMap { Int(exactly: $0) }
    }
}

extension UInt64: MariaDBEncodable, MariaDBDecodable {
    public var mariaDBValue: MariaDBValue { .uint(self) }
    @inlinable public static func decode(from value: MariaDBValue) -> UInt64? {
        switch value {
        case .uint(let v): v
        case .int(let v): UInt64(exactly: v)
        default: nil
        }
    }
}

extension Double: MariaDBEncodable, MariaDBDecodable {
    public var mariaDBValue: MariaDBValue { .double(self) }
    @inlinable public static func decode(from value: MariaDBValue) -> Double? {
        switch value {
        case .double(let v): v
        case .int(let v): Double(exactly: v)
        case .uint(let v): Double(exactly: v)
        default: nil
        }
    }
}

extension Decimal: MariaDBEncodable, MariaDBDecodable {
    public var mariaDBValue: MariaDBValue { .decimal(self) }
    @inlinable public static func decode(from value: MariaDBValue) -> Decimal? {
        switch value {
        case .decimal(let v): v
        case .int(let v): Decimal(v)
        case .uint(let v): Decimal(v)
        default: nil
        }
    }
}

extension String: MariaDBEncodable, MariaDBDecodable {
    public var mariaDBValue: MariaDBValue { .string(self) }
    @inlinable public static func decode(from value: MariaDBValue) -> String? {
        if case .string(let v) = value { return v }
        return nil
    }
}

extension Bool: MariaDBEncodable, MariaDBDecodable {
    public var mariaDBValue: MariaDBValue { .int(self ? 1 : 0) }
    @inlinable public static func decode(from value: MariaDBValue) -> Bool? {
        switch value {
        case .int(0), .uint(0): false
        case .int(1), .uint(1): true
        default: nil
        }
    }
}

extension Date: MariaDBEncodable, MariaDBDecodable {
    public var mariaDBValue: MariaDBValue { .date(self) }
    @inlinable public static func decode(from value: MariaDBValue) -> Date? {
        if case .date(let v) = value { return v }
        return nil
    }
}

extension Data: MariaDBEncodable, MariaDBDecodable {
    public var mariaDBValue: MariaDBValue { .bytes(self) }
    @inlinable public static func decode(from value: MariaDBValue) -> Data? {
        switch value {
        case .bytes(let v): v
        case .string(let v): Data(v.utf8)
        default: nil
        }
    }
}

extension Optional: MariaDBEncodable where Wrapped: MariaDBEncodable {
    public var mariaDBValue: MariaDBValue { self?.mariaDBValue ?? .null }
}

extension Optional: MariaDBDecodable where Wrapped: MariaDBDecodable {
    @inlinable public static func decode(from value: MariaDBValue) -> Wrapped?? {
        if case .null = value { return .some(nil) }
        return Wrapped.decode(from: value).map { .some($0) }
    }
}
