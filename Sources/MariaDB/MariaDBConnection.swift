import CMariaDB
import Foundation

/// One connection to MariaDB.
///
/// Calls that wait on the server run through libmariadb's non-blocking API, driven by the
/// shared `MariaDBReactor`; no thread blocks on I/O, neither an event loop nor the cooperative pool.
/// A connection must be used by one task at a time; the pool guarantees that for pooled ones.
public final class MariaDBConnection: @unchecked Sendable {
    private let handle: UnsafeMutablePointer<MYSQL>
    private let reactor = MariaDBReactor.shared
    private var statements: [String: PreparedStatement] = [:]
    private var isClosed = false
    /// When the pool last handed the connection back; drives the ping of long-idle connections.
    var lastReleased = ContinuousClock.now
    /// When the connection was opened; a pool retires connections to a fallback server after a while.
    let opened = ContinuousClock.now
    /// Which of the configuration's endpoints the connection reached (0: the preferred one).
    public internal(set) var endpointIndex = 0
    /// Whether reads wait until this node has applied every write the cluster committed before them.
    private var readsAreCausal = false

    // Prepared statements are cached per SQL text; past this many the cache is emptied.
    private static let statementCacheLimit = 512

    private init(handle: UnsafeMutablePointer<MYSQL>) {
        self.handle = handle
    }

    deinit {
        if !isClosed { closeNow() }
    }

    /// Opens a connection to the configuration's preferred server (`endpoint` 0) or another of its endpoints.
    public static func connect(_ configuration: MariaDBConfiguration, endpoint: Int = 0) async throws -> MariaDBConnection {
        let handle = try newHandle(configuration)
        let server = configuration.endpoints[endpoint]
        // libmariadb reads these during the whole connect, across its _cont steps.
        let strings = CStrings([
            server.host, configuration.user, configuration.password, configuration.database,
            configuration.unixSocket,
        ])
        let port = UInt32(server.port)
        let connected = await MariaDBReactor.shared.run(on: handle, initial: UnsafeMutablePointer<MYSQL>?.none) {
            mysql_real_connect_start($0, handle, strings[0], strings[1], strings[2], strings[3], port, strings[4], 0)
        } resume: {
            mysql_real_connect_cont($0, handle, $1)
        }
        withExtendedLifetime(strings) {}
        guard connected != nil else {
            let error = Self.error(of: handle)
            mysql_close(handle)
            throw error
        }
        let connection = MariaDBConnection(handle: handle)
        connection.endpointIndex = endpoint
        return connection
    }

    /// Makes this connection's reads causal on a Galera cluster (`wsrep_sync_wait = 3`): each
    /// SELECT, UPDATE and DELETE first waits until the node has applied every write committed
    /// anywhere before it, so a request sees what the previous one wrote through another node. An
    /// UPDATE must wait too: one that matched no row on a node still applying a claim would record
    /// nothing, and the message would be sent again when its lease ends. A round trip only on change.
    public func setCausalReads(_ causal: Bool) async throws {
        guard causal != readsAreCausal else { return }
        try await command(causal ? "SET SESSION wsrep_sync_wait = 3" : "SET SESSION wsrep_sync_wait = 0")
        readsAreCausal = causal
    }

    /// The node's Galera state when it is one (4 = Synced), nil for a server without replication.
    public func galeraState() async throws -> Int? {
        guard let row = try await queryFirst("SHOW GLOBAL STATUS LIKE 'wsrep_local_state'") else { return nil }
        return Int(try row.decode("Value", as: String.self))
    }

    /// Runs a statement and returns its rows.
    public func query(_ sql: String, _ binds: [any MariaDBEncodable] = []) async throws -> [MariaDBRow] {
        try await statement(for: sql).execute(binds.map(\.mariaDBValue)).rows ?? []
    }

    /// Runs a statement and returns its only row, or nil when there is none.
    public func queryFirst(_ sql: String, _ binds: [any MariaDBEncodable] = []) async throws -> MariaDBRow? {
        try await query(sql, binds).first
    }

    /// Runs a statement without a result set (INSERT, UPDATE, DELETE, DDL).
    @discardableResult
    public func execute(_ sql: String, _ binds: [any MariaDBEncodable] = []) async throws -> MariaDBExecuteResult {
        try await statement(for: sql).execute(binds.map(\.mariaDBValue)).result
    }

    /// Runs several `;`-separated statements that take no parameters, such as a migration file.
    /// Only for trusted SQL shipped with the application: nothing in it is bound.
    public func executeScript(_ sql: String) async throws {
        try await setServerOption(MYSQL_OPTION_MULTI_STATEMENTS_ON)
        do {
            try await command(sql)
            // Every statement's result must be read before the next one reports its status.
            while true {
                let result = await reactor.run(on: handle, initial: UnsafeMutablePointer<MYSQL_RES>?.none) {
                    mysql_store_result_start($0, self.handle)
                } resume: {
                    mysql_store_result_cont($0, self.handle, $1)
                }
                if let result { mysql_free_result(result) }
                let next = await reactor.run(on: handle, initial: Int32(0)) {
                    mysql_next_result_start($0, self.handle)
                } resume: {
                    mysql_next_result_cont($0, self.handle, $1)
                }
                if next == -1 { break }
                if next > 0 { throw Self.error(of: handle) }
            }
        } catch {
            try? await setServerOption(MYSQL_OPTION_MULTI_STATEMENTS_OFF)
            throw error
        }
        try await setServerOption(MYSQL_OPTION_MULTI_STATEMENTS_OFF)
    }

    /// Checks that the server still answers.
    public func ping() async -> Bool {
        await reactor.run(on: handle, initial: Int32(1)) {
            mysql_ping_start($0, self.handle)
        } resume: {
            mysql_ping_cont($0, self.handle, $1)
        } == 0
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
    public func close() {
        closeNow()
    }

    // MARK: - Steps

    private func statement(for sql: String) async throws -> PreparedStatement {
        if let cached = statements[sql] { return cached }
        if statements.count >= Self.statementCacheLimit {
            statements.values.forEach { $0.close() }
            statements.removeAll()
        }
        let prepared = try await PreparedStatement.prepare(sql, on: handle, reactor: reactor)
        statements[sql] = prepared
        return prepared
    }

    /// Runs one text-protocol statement (transaction control, scripts).
    private func command(_ sql: String) async throws {
        let text = CStrings([sql])
        let length = UInt(sql.utf8.count)
        let status = await reactor.run(on: handle, initial: Int32(0)) {
            mysql_real_query_start($0, self.handle, text[0], length)
        } resume: {
            mysql_real_query_cont($0, self.handle, $1)
        }
        withExtendedLifetime(text) {}
        guard status == 0 else { throw Self.error(of: handle) }
    }

    private func setServerOption(_ option: enum_mysql_set_option) async throws {
        let status = await reactor.run(on: handle, initial: Int32(0)) {
            mysql_set_server_option_start($0, self.handle, option)
        } resume: {
            mysql_set_server_option_cont($0, self.handle, $1)
        }
        guard status == 0 else { throw Self.error(of: handle) }
    }

    // Closing only writes a goodbye packet, so the blocking calls are fine here.
    private func closeNow() {
        guard !isClosed else { return }
        isClosed = true
        statements.values.forEach { $0.close() }
        statements.removeAll()
        mysql_close(handle)
    }

    private static func newHandle(_ configuration: MariaDBConfiguration) throws -> UnsafeMutablePointer<MYSQL> {
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
        mysql_options(handle, MYSQL_OPT_NONBLOCK, nil)
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
        return handle
    }

    static func error(of handle: UnsafeMutablePointer<MYSQL>) -> MariaDBError {
        MariaDBError(
            code: mysql_errno(handle),
            sqlState: String(cString: mysql_sqlstate(handle)),
            message: String(cString: mysql_error(handle)))
    }
}

/// C strings that stay valid as long as this object lives (libmariadb keeps pointers across steps).
final class CStrings {
    private let pointers: [UnsafeMutablePointer<CChar>?]

    init(_ strings: [String?]) {
        pointers = strings.map { $0.flatMap { strdup($0) } }
    }

    deinit { pointers.forEach { free($0) } }

    subscript(index: Int) -> UnsafeMutablePointer<CChar>? { pointers[index] }
}

/// `mysql_library_init` must run once, before any thread uses the library.
enum MariaDBLibrary {
    private static let initialized: Bool = mysql_server_init(0, nil, nil) == 0

    static func initializeOnce() {
        _ = initialized
    }
}
