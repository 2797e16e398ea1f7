import CMariaDB
import Foundation

/// A server-side prepared statement owned by one connection; used from one thread at a time.
final class PreparedStatement {
    let handle: UnsafeMutablePointer<MYSQL_STMT>
    let parameterCount: Int
    /// The last result's columns, reused while the statement keeps returning the same names.
    private var columns: MariaDBColumns?

    private let reactor: MariaDBReactor
    private let connection: UnsafeMutablePointer<MYSQL>

    private init(handle: UnsafeMutablePointer<MYSQL_STMT>, connection: UnsafeMutablePointer<MYSQL>, reactor: MariaDBReactor) {
        self.handle = handle
        self.connection = connection
        self.reactor = reactor
        self.parameterCount = Int(mysql_stmt_param_count(handle))
    }

    /// Prepares `sql` on the server.
    static func prepare(
        _ sql: String, on connection: UnsafeMutablePointer<MYSQL>, reactor: MariaDBReactor
    ) async throws -> PreparedStatement {
        guard let handle = mysql_stmt_init(connection) else {
            throw MariaDBConnection.error(of: connection)
        }
        let text = CStrings([sql])
        let length = UInt(sql.utf8.count)
        let status = await reactor.run(on: connection, initial: Int32(0)) {
            mysql_stmt_prepare_start($0, handle, text[0], length)
        } resume: {
            mysql_stmt_prepare_cont($0, handle, $1)
        }
        withExtendedLifetime(text) {}
        if status != 0 {
            let error = Self.error(of: handle)
            mysql_stmt_close(handle)
            throw error
        }
        // Makes store_result compute each column's longest value, so result buffers fit exactly.
        var updateMaxLength: my_bool = 1
        mysql_stmt_attr_set(handle, STMT_ATTR_UPDATE_MAX_LENGTH, &updateMaxLength)
        return PreparedStatement(handle: handle, connection: connection, reactor: reactor)
    }

    func close() {
        mysql_stmt_close(handle)
    }

    /// Runs the statement with `values` bound to its placeholders; returns the rows when it has a result set.
    func execute(_ values: [MariaDBValue]) async throws -> (rows: [MariaDBRow]?, result: MariaDBExecuteResult) {
        guard values.count == parameterCount else {
            throw MariaDBUsageError.parameterCountMismatch(expected: parameterCount, got: values.count)
        }
        let parameters = ParameterBuffers(values)
        if parameterCount > 0, mysql_stmt_bind_param(handle, parameters.binds) != 0 {
            throw Self.error(of: handle)
        }
        // Executing and reading the result are one reactor step: one hand-over per query, not two.
        let handle = handle
        let outcome = await reactor.run(on: connection, initial: ExecuteOutcome()) { outcome in
            Self.advance(outcome, handle: handle, ready: nil)
        } resume: { outcome, ready in
            Self.advance(outcome, handle: handle, ready: ready)
        }
        withExtendedLifetime(parameters) {}
        guard outcome.status == 0 else { throw Self.error(of: handle) }

        guard let metadata = mysql_stmt_result_metadata(handle) else {
            if mysql_stmt_errno(handle) != 0 { throw Self.error(of: handle) }
            let result = MariaDBExecuteResult(
                affectedRows: mysql_stmt_affected_rows(handle), lastInsertID: mysql_stmt_insert_id(handle))
            return (nil, result)
        }
        // The whole result was read into client memory, so freeing and fetching do no I/O.
        defer {
            mysql_free_result(metadata)
            mysql_stmt_free_result(handle)
        }
        let rows = try fetchRows(metadata)
        return (rows, MariaDBExecuteResult(affectedRows: UInt64(rows.count), lastInsertID: 0))
    }

    /// Where `execute` stands: executing, then storing the result set when there is one.
    struct ExecuteOutcome {
        var storing = false
        var status: Int32 = 0
    }

    /// One step of execute-then-store; returns the events still awaited, 0 when done.
    private static func advance(
        _ outcome: UnsafeMutablePointer<ExecuteOutcome>, handle: UnsafeMutablePointer<MYSQL_STMT>, ready: Int32?
    ) -> Int32 {
        if !outcome.pointee.storing {
            let waiting = ready.map { mysql_stmt_execute_cont(&outcome.pointee.status, handle, $0) }
                ?? mysql_stmt_execute_start(&outcome.pointee.status, handle)
            if waiting != 0 || outcome.pointee.status != 0 || mysql_stmt_field_count(handle) == 0 { return waiting }
            outcome.pointee.storing = true
            return mysql_stmt_store_result_start(&outcome.pointee.status, handle)
        }
        return mysql_stmt_store_result_cont(&outcome.pointee.status, handle, ready ?? 0)
    }

    private func fetchRows(_ metadata: UnsafeMutablePointer<MYSQL_RES>) throws -> [MariaDBRow] {
        let count = Int(mysql_num_fields(metadata))
        guard let fields = mysql_fetch_fields(metadata) else { return [] }
        let columns = columns(of: fields, count: count)
        let buffers = ResultBuffers(fields: fields, count: count)
        guard mysql_stmt_bind_result(handle, buffers.binds) == 0 else { throw Self.error(of: handle) }
        var rows: [MariaDBRow] = []
        rows.reserveCapacity(Int(mysql_stmt_num_rows(handle)))
        while true {
            let status = mysql_stmt_fetch(handle)
            if status == MYSQL_NO_DATA { break }
            if status == 1 { throw Self.error(of: handle) }
            // MYSQL_DATA_TRUNCATED cannot happen: buffers are sized from max_length.
            rows.append(MariaDBRow(columns: columns, values: (0..<count).map(buffers.value(at:))))
        }
        return rows
    }

    private func columns(of fields: UnsafeMutablePointer<MYSQL_FIELD>, count: Int) -> MariaDBColumns {
        if let cached = columns, cached.names.count == count,
           (0..<count).allSatisfy({ index in cached.names[index].withCString { strcmp($0, fields[index].name) == 0 } }) {
            return cached
        }
        let fresh = MariaDBColumns(names: (0..<count).map { String(cString: fields[$0].name) })
        columns = fresh
        return fresh
    }

    static func error(of statement: UnsafeMutablePointer<MYSQL_STMT>) -> MariaDBError {
        MariaDBError(
            code: mysql_stmt_errno(statement),
            sqlState: String(cString: mysql_stmt_sqlstate(statement)),
            message: String(cString: mysql_stmt_error(statement)))
    }
}

/// Memory behind MYSQL_BIND input parameters; freed when the statement has executed.
private final class ParameterBuffers {
    let binds: UnsafeMutablePointer<MYSQL_BIND>
    private var allocations: [UnsafeMutableRawPointer] = []

    init(_ values: [MariaDBValue]) {
        binds = .allocate(capacity: max(values.count, 1))
        binds.initialize(repeating: MYSQL_BIND(), count: max(values.count, 1))
        for (index, value) in values.enumerated() {
            bind(value, to: &binds[index])
        }
    }

    deinit {
        allocations.forEach { $0.deallocate() }
        binds.deallocate()
    }

    private func store<T>(_ value: T) -> UnsafeMutableRawPointer {
        let pointer = UnsafeMutablePointer<T>.allocate(capacity: 1)
        pointer.initialize(to: value)
        allocations.append(UnsafeMutableRawPointer(pointer))
        return UnsafeMutableRawPointer(pointer)
    }

    private func store<C: Collection<UInt8>>(bytes: C) -> (UnsafeMutableRawPointer, UInt) {
        let pointer = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        _ = UnsafeMutableRawBufferPointer(start: pointer, count: bytes.count).initializeMemory(as: UInt8.self, from: bytes)
        allocations.append(pointer)
        return (pointer, UInt(bytes.count))
    }

    private func bind(_ value: MariaDBValue, to bind: inout MYSQL_BIND) {
        switch value {
        case .null:
            bind.buffer_type = MYSQL_TYPE_NULL
        case .int(let v):
            bind.buffer_type = MYSQL_TYPE_LONGLONG
            bind.buffer = store(v)
        case .uint(let v):
            bind.buffer_type = MYSQL_TYPE_LONGLONG
            bind.buffer = store(v)
            bind.is_unsigned = 1
        case .double(let v):
            bind.buffer_type = MYSQL_TYPE_DOUBLE
            bind.buffer = store(v)
        case .decimal(let v):
            bind.buffer_type = MYSQL_TYPE_NEWDECIMAL
            (bind.buffer, bind.buffer_length) = store(bytes: v.description.utf8)
        case .string(let v):
            bind.buffer_type = MYSQL_TYPE_STRING
            (bind.buffer, bind.buffer_length) = store(bytes: v.utf8)
        case .bytes(let v):
            bind.buffer_type = MYSQL_TYPE_BLOB
            (bind.buffer, bind.buffer_length) = store(bytes: v)
        case .date(let v):
            bind.buffer_type = MYSQL_TYPE_DATETIME
            bind.buffer = store(CivilTime.mysqlTime(from: v))
        }
    }
}

/// Output buffers for one result set, one per column, sized from the columns' longest values.
private final class ResultBuffers {
    private enum Kind { case signed, unsigned, double, decimal, time, text, binary }

    let binds: UnsafeMutablePointer<MYSQL_BIND>
    private let lengths: UnsafeMutablePointer<UInt>
    private let nulls: UnsafeMutablePointer<my_bool>
    private var kinds: [Kind] = []
    private var buffers: [UnsafeMutableRawPointer] = []

    init(fields: UnsafeMutablePointer<MYSQL_FIELD>, count: Int) {
        binds = .allocate(capacity: count)
        binds.initialize(repeating: MYSQL_BIND(), count: count)
        lengths = .allocate(capacity: count)
        lengths.initialize(repeating: 0, count: count)
        nulls = .allocate(capacity: count)
        nulls.initialize(repeating: 0, count: count)
        for index in 0..<count {
            let field = fields[index]
            let (kind, type, size) = Self.layout(of: field)
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
            buffers.append(buffer)
            kinds.append(kind)
            binds[index].buffer_type = type
            binds[index].buffer = buffer
            binds[index].buffer_length = UInt(size)
            binds[index].length = lengths + index
            binds[index].is_null = nulls + index
            binds[index].is_unsigned = kind == .unsigned ? 1 : 0
        }
    }

    deinit {
        buffers.forEach { $0.deallocate() }
        binds.deallocate()
        lengths.deallocate()
        nulls.deallocate()
    }

    private static func layout(of field: MYSQL_FIELD) -> (Kind, enum_field_types, Int) {
        let unsigned = field.flags & UInt32(UNSIGNED_FLAG) != 0
        switch field.type {
        case MYSQL_TYPE_TINY, MYSQL_TYPE_SHORT, MYSQL_TYPE_INT24, MYSQL_TYPE_LONG, MYSQL_TYPE_LONGLONG, MYSQL_TYPE_YEAR:
            return (unsigned ? .unsigned : .signed, MYSQL_TYPE_LONGLONG, 8)
        case MYSQL_TYPE_FLOAT, MYSQL_TYPE_DOUBLE:
            return (.double, MYSQL_TYPE_DOUBLE, 8)
        case MYSQL_TYPE_DECIMAL, MYSQL_TYPE_NEWDECIMAL:
            return (.decimal, MYSQL_TYPE_STRING, Int(max(field.max_length, 1)))
        case MYSQL_TYPE_DATE, MYSQL_TYPE_DATETIME, MYSQL_TYPE_TIMESTAMP, MYSQL_TYPE_NEWDATE:
            return (.time, MYSQL_TYPE_DATETIME, MemoryLayout<MYSQL_TIME>.size)
        default:
            // Character set 63 is "binary": BLOB, BINARY, BIT; everything else is text.
            let kind: Kind = field.charsetnr == 63 && field.type != MYSQL_TYPE_TIME ? .binary : .text
            return (kind, kind == .binary ? MYSQL_TYPE_BLOB : MYSQL_TYPE_STRING, Int(max(field.max_length, 1)))
        }
    }

    func value(at index: Int) -> MariaDBValue {
        if nulls[index] != 0 { return .null }
        let buffer = buffers[index]
        let length = Int(lengths[index])
        switch kinds[index] {
        case .signed:
            return .int(buffer.load(as: Int64.self))
        case .unsigned:
            return .uint(buffer.load(as: UInt64.self))
        case .double:
            return .double(buffer.load(as: Double.self))
        case .decimal:
            let bytes = UnsafeRawBufferPointer(start: buffer, count: length)
            if let decimal = DecimalText.decimal(bytes) { return .decimal(decimal) }
            let text = String(decoding: bytes, as: UTF8.self)
            return Decimal(string: text).map(MariaDBValue.decimal) ?? .string(text)
        case .time:
            return .date(CivilTime.date(from: buffer.load(as: MYSQL_TIME.self)))
        case .text:
            return .string(String(decoding: UnsafeRawBufferPointer(start: buffer, count: length), as: UTF8.self))
        case .binary:
            return .bytes(Data(bytes: buffer, count: length))
        }
    }
}
