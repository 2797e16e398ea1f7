import CMariaDB
import Foundation

/// One connection to MariaDB.
///
/// libmariadb blocks, so every call runs on the connection's own thread, never on an event loop
/// or the cooperative pool. A connection must be used by one task at a time; the pool guarantees
/// that for pooled ones.
public final class MariaDBConnection: @unchecked Sendable {
    private let handle: UnsafeMutablePointer<MYSQL>
    /// The thread every call of this connection runs on; borrowers prefer it as their executor.
    let thread: ConnectionThread
    private var statements: [String: PreparedStatement] = [:]
    private var isClosed = false
    /// When the pool last handed the connection back; drives the ping of long-idle connections.
    var lastReleased = ContinuousClock.now

    // Prepared statements are cached per SQL text; past this many the cache is emptied.
    private static let statementCacheLimit = 512

    private init(handle: UnsafeMutablePointer<MYSQL>, thread: ConnectionThread) {
        self.handle = handle
        self.thread = thread
    }

    deinit {
        if !isClosed { closeNow() }
        thread.stop()
    }

    /// Opens a connection on a new thread of its own.
    public static func connect(_ configuration: MariaDBConfiguration) async throws -> MariaDBConnection {
        let thread = ConnectionThread(name: "mariadb")
        do {
            return try await withTaskExecutorPreference(thread) {
                try MariaDBConnection(handle: openHandle(configuration), thread: thread)
            }
        } catch {
            thread.stop()
            throw error
        }
    }

    /// Runs `body` with this connection's thread as the preferred executor, so the calls it makes
    /// on the connection run inline instead of switching threads for each one.
    public func withPreferredThread<T>(_ body: () async throws -> T) async rethrows -> T {
        try await withTaskExecutorPreference(thread, operation: body)
    }

    /// Runs a statement and returns its rows.
    public func query(_ sql: String, _ binds: [any MariaDBEncodable] = []) async throws -> [MariaDBRow] {
        let values = binds.map(\.mariaDBValue)
        return try await blocking { try self.run(sql, values).rows ?? [] }
    }

    /// Runs a statement and returns its only row, or nil when there is none.
    public func queryFirst(_ sql: String, _ binds: [any MariaDBEncodable] = []) async throws -> MariaDBRow? {
        try await query(sql, binds).first
    }

    /// Runs a statement without a result set (INSERT, UPDATE, DELETE, DDL).
    @discardableResult
    public func execute(_ sql: String, _ binds: [any MariaDBEncodable] = []) async throws -> MariaDBExecuteResult {
        let values = binds.map(\.mariaDBValue)
        return try await blocking { try self.run(sql, values).result }
    }

    /// Runs several `;`-separated statements that take no parameters, such as a migration file.
    /// Only for trusted SQL shipped with the application: nothing in it is bound.
    public func executeScript(_ sql: String) async throws {
        try await blocking { try self.runScript(sql) }
    }

    /// Checks that the server still answers.
    public func ping() async -> Bool {
        await blocking { mysql_ping(self.handle) == 0 }
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    @discardableResult
    public func withTransaction<T>(_ body: (MariaDBConnection) async throws -> T) async throws -> T {
        try await command("START TRANSACTION")
        do {
            let result = try await body(self)
            try await command("COMMIT")
            return result
        } catch {
            // A lost connection rolls back on the server by itself; the original error matters more.
            try? await command("ROLLBACK")
            throw error
        }
    }

    /// Closes the connection and its statements.
    public func close() async {
        await blocking { self.closeNow() }
        thread.stop()
    }

    // MARK: - Blocking work, always on the connection's thread

    private func blocking<T>(_ work: () throws -> T) async rethrows -> T {
        if thread.isCurrent { return try work() }
        return try await withTaskExecutorPreference(thread) { try work() }
    }

    private func run(_ sql: String, _ values: [MariaDBValue]) throws -> (rows: [MariaDBRow]?, result: MariaDBExecuteResult) {
        try statement(for: sql).execute(values)
    }

    private func statement(for sql: String) throws -> PreparedStatement {
        if let cached = statements[sql] { return cached }
        if statements.count >= Self.statementCacheLimit {
            statements.values.forEach { $0.close() }
            statements.removeAll()
        }
        let prepared = try PreparedStatement(connection: handle, sql: sql)
        statements[sql] = prepared
        return prepared
    }

    private func command(_ sql: String) async throws {
        try await blocking {
            guard mysql_real_query(handle, sql, UInt(sql.utf8.count)) == 0 else {
                throw Self.error(of: handle)
            }
        }
    }

    private func runScript(_ sql: String) throws {
        mysql_set_server_option(handle, MYSQL_OPTION_MULTI_STATEMENTS_ON)
        defer { mysql_set_server_option(handle, MYSQL_OPTION_MULTI_STATEMENTS_OFF) }
        guard mysql_real_query(handle, sql, UInt(sql.utf8.count)) == 0 else { throw Self.error(of: handle) }
        // Every statement's result must be read before the next one reports its status.
        while true {
            if let result = mysql_store_result(handle) { mysql_free_result(result) }
            let next = mysql_next_result(handle)
            if next == -1 { return }
            if next > 0 { throw Self.error(of: handle) }
        }
    }

    private func closeNow() {
        guard !isClosed else { return }
        isClosed = true
        statements.values.forEach { $0.close() }
        statements.removeAll()
        mysql_close(handle)
    }

    private static func openHandle(_ configuration: MariaDBConfiguration) throws -> UnsafeMutablePointer<MYSQL> {
        MariaDBLibrary.initializeOnce()
        guard let handle = mysql_init(nil) else {
            throw MariaDBError(code: 2008, sqlState: "HY000", message: "out of memory creating a connection")
        }
        var connectTimeout = UInt32(configuration.connectTimeout)
        var readTimeout = UInt32(configuration.readTimeout)
        var writeTimeout = UInt32(configuration.writeTimeout)
        var off: my_bool = 0
        var on: my_bool = 1
        mysql_options(handle, MYSQL_OPT_CONNECT_TIMEOUT, &connectTimeout)
        mysql_options(handle, MYSQL_OPT_READ_TIMEOUT, &readTimeout)
        mysql_options(handle, MYSQL_OPT_WRITE_TIMEOUT, &writeTimeout)
        mysql_options(handle, MYSQL_SET_CHARSET_NAME, "utf8mb4")
        mysql_options(handle, MYSQL_OPT_LOCAL_INFILE, &off)
        mysql_options(handle, MYSQL_OPT_RECONNECT, &off)
        // NOW() and CURRENT_TIMESTAMP in UTC, like every DATETIME the client writes.
        mysql_options(handle, MYSQL_INIT_COMMAND, "SET time_zone = '+00:00'")
        switch configuration.tls {
        case .off:
            break
        case .required:
            mysql_options(handle, MYSQL_OPT_SSL_ENFORCE, &on)
            mysql_options(handle, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &off)
        case .verify:
            mysql_options(handle, MYSQL_OPT_SSL_ENFORCE, &on)
            mysql_options(handle, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &on)
        }
        if let caFile = configuration.tlsCAFile {
            mysql_options(handle, MYSQL_OPT_SSL_CA, caFile)
        }
        let connected = mysql_real_connect(
            handle, configuration.host, configuration.user, configuration.password, configuration.database,
            UInt32(configuration.port), configuration.unixSocket, 0)
        guard connected != nil else {
            let error = Self.error(of: handle)
            mysql_close(handle)
            throw error
        }
        return handle
    }

    static func error(of handle: UnsafeMutablePointer<MYSQL>) -> MariaDBError {
        MariaDBError(
            code: mysql_errno(handle),
            sqlState: String(cString: mysql_sqlstate(handle)),
            message: String(cString: mysql_error(handle)))
    }
}

/// `mysql_library_init` must run once, before any thread uses the library.
enum MariaDBLibrary {
    private static let initialized: Bool = mysql_server_init(0, nil, nil) == 0

    static func initializeOnce() {
        _ = initialized
    }
}
