import Foundation
import MariaDB

/// A value bound to a statement's `?`: text, numbers, dates, bytes, booleans, optionals of them.
typealias SQLBindable = MariaDBEncodable
/// A Swift type a column decodes to.
typealias SQLDecodable = MariaDBDecodable
/// A value as it travels to and from the server.
typealias SQLValue = MariaDBValue

/// What repositories see of a connection: statements with bound parameters, and rows back. The
/// driver's types stay behind it, in this folder.
struct SQLConnection: Sendable {
    fileprivate let connection: MariaDBConnection

    init(_ connection: MariaDBConnection) {
        self.connection = connection
    }

    /// Every row of a query.
    func query(_ sql: String, _ binds: [any SQLBindable] = []) async throws -> [SQLRow] {
        try await connection.query(sql, binds).map(SQLRow.init)
    }

    /// The first row of a query, if any.
    func queryFirst(_ sql: String, _ binds: [any SQLBindable] = []) async throws -> SQLRow? {
        try await connection.queryFirst(sql, binds).map(SQLRow.init)
    }

    /// Runs a statement without a result set.
    @discardableResult
    func execute(_ sql: String, _ binds: [any SQLBindable] = []) async throws -> SQLResult {
        let result = try await connection.execute(sql, binds)
        return SQLResult(affectedRows: Int(result.affectedRows), lastInsertID: Int64(result.lastInsertID))
    }
}

/// What a statement without a result set reports.
struct SQLResult: Sendable {
    /// Rows inserted, updated or deleted.
    let affectedRows: Int
    /// The AUTO_INCREMENT id an INSERT generated (the first of a multi-row insert), 0 when none.
    let lastInsertID: Int64
}

/// One row of a result, decoded by column name.
struct SQLRow: Sendable {
    fileprivate let row: MariaDBRow

    /// Decodes a column as `T`; a column of another type is an error that names it.
    @inline(__always)
    func decode<T: SQLDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try row.decode(column, as: type)
    }

    /// Decodes a JSON column into any `Decodable` type; NULL gives nil.
    func decodeJSON<T: Decodable>(_ column: String, as type: T.Type = T.self) throws -> T? {
        try row.decodeJSON(column, as: type)
    }
}

/// Lists bound into `IN (…)`.
enum SQLList {
    /// `?, ?, ?` for `count` values.
    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }

    /// `values` grown to a power of two by repeating the last, for `IN` lists and `CASE` arms, where a
    /// repeat changes nothing: each connection then prepares a statement for a few list lengths
    /// rather than one for every batch size it meets (up to one prepare per batch after a start).
    static func padded<Value>(_ values: [Value]) -> [Value] {
        guard let last = values.last, values.count > 2 else { return values }
        let length = 1 << (Int.bitWidth - (values.count - 1).leadingZeroBitCount)
        return values + Array(repeating: last, count: length - values.count)
    }
}

/// JSON columns: values encoded with sorted keys, so that equal documents compare equal in SQL.
enum SQLJSON {
    /// `value` as a JSON document to bind.
    static func encode(_ value: some Encodable) throws -> SQLValue {
        try MariaDBValue.json(value)
    }

    /// `value` as the JSON text it is bound as.
    static func text(_ value: some Encodable) throws -> String {
        guard case .string(let text) = try MariaDBValue.json(value) else { preconditionFailure("JSON is bound as text") }
        return text
    }
}

/// The database errors repositories and services react to, told apart here so that nothing else
/// needs the driver's error codes.
enum SQLFailure {
    /// True when `error` is a unique key refusing a row.
    static func isDuplicateKey(_ error: any Error) -> Bool {
        (error as? MariaDBError)?.isDuplicateKey == true
    }

    /// The body's answer, or nil when a unique key refused its row (a name or SKU taken).
    static func unlessDuplicate<T>(
        isolation: isolated (any _Concurrency.Actor)? = #isolation, _ body: () async throws -> T
    ) async throws -> T? {
        do {
            return try await body()
        } catch where isDuplicateKey(error) {
            return nil
        }
    }

    /// The domain's view of an error that means the database cannot serve now (nil for any other).
    static func unavailable(_ error: any Error) -> ServiceUnavailable? {
        switch error {
        case let pool as MariaDBPoolError:
            switch pool {
            case .timeout: ServiceUnavailable(reason: .overloaded, detail: pool.description)
            case .shutDown: ServiceUnavailable(reason: .shuttingDown, detail: pool.description)
            }
        case let server as MariaDBError where server.isConnectionLost:
            ServiceUnavailable(reason: .databaseUnreachable, detail: server.description)
        default:
            nil
        }
    }
}

/// The service cannot answer now (the database is overloaded, unreachable or shutting down).
/// `detail` is for the log; clients are told only `reason`.
public struct ServiceUnavailable: Error, Sendable, CustomStringConvertible {
    /// Why, in terms a client may see.
    public enum Reason: String, Sendable {
        case overloaded, databaseUnreachable, shuttingDown
    }

    public let reason: Reason
    /// What the driver said, for the log only.
    public let detail: String

    public var description: String { "service unavailable (\(reason.rawValue)): \(detail)" }
}
