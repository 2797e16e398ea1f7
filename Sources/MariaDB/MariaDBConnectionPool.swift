import Logging
import NIOCore

/// A bounded pool of MariaDB connections.
///
/// Callers borrow one connection at a time with `withConnection` or `withTransaction`; when all
/// are busy they wait in arrival order, and give up with `MariaDBPoolError.timeout` after
/// `acquireTimeout`. A connection that lost its server is discarded, together with the idle
/// ones (a server restart kills them all), and new ones are opened on demand, so the pool heals
/// itself once the server is back.
///
/// When the configuration names several servers (the nodes of a Galera cluster), new connections
/// go to the first one that answers and is in sync, in the configuration's order: a server that
/// failed is skipped for `retryDownAfter`, and a connection to a fallback server is retired once
/// it is `failbackAfter` old, so the pool returns to the preferred server soon after it is back.
public actor MariaDBConnectionPool {
    /// Pool settings.
    public struct Options: Sendable {
        /// Most connections open at once.
        public var maxConnections: Int
        /// How long a caller waits for a free connection before failing.
        public var acquireTimeout: Duration
        /// An idle connection unused for this long is pinged before it is handed out.
        public var pingAfterIdle: Duration

        /// How long a server that could not be reached is tried only after the others.
        public var retryDownAfter: Duration
        /// How old a connection to a server other than the preferred one grows before it is retired.
        public var failbackAfter: Duration

        /// Creates pool settings.
        public init(
            maxConnections: Int = 8, acquireTimeout: Duration = .seconds(10), pingAfterIdle: Duration = .seconds(30),
            retryDownAfter: Duration = .seconds(5), failbackAfter: Duration = .seconds(30)
        ) {
            precondition(maxConnections > 0, "a pool needs at least one connection")
            self.maxConnections = maxConnections
            self.acquireTimeout = acquireTimeout
            self.pingAfterIdle = pingAfterIdle
            self.retryDownAfter = retryDownAfter
            self.failbackAfter = failbackAfter
        }
    }

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Void, any Error>
        let timeout: Task<Void, Never>
    }

    /// The server and credentials every connection uses.
    public nonisolated let configuration: MariaDBConfiguration
    /// The pool's settings.
    public nonisolated let options: Options
    private let logger: Logger
    private var idle: [MariaDBConnection] = []
    private var permitsInUse = 0
    private var waiters = CircularBuffer<Waiter>()
    private var nextWaiterID: UInt64 = 0
    private var isShutDown = false
    /// Per endpoint, until when it counts as down.
    private var downUntil: [ContinuousClock.Instant?]

    /// Creates a pool; no connection is opened until one is needed.
    public init(configuration: MariaDBConfiguration, options: Options = .init(), logger: Logger = Logger(label: "mariadb.pool")) {
        self.configuration = configuration
        self.options = options
        self.logger = logger
        downUntil = Array(repeating: nil, count: configuration.endpoints.count)
    }

    /// Lends a connection to `body` and takes it back afterwards.
    ///
    /// `body` runs on the database's own thread (`executor`), where each query starts and resumes
    /// without a hand-over between threads: a borrowed connection costs two hand-overs, not two per query.
    @discardableResult
    public nonisolated func withConnection<T>(_ body: (MariaDBConnection) async throws -> T) async throws -> T {
        try await withTaskExecutorPreference(MariaDBReactor.shared) {
            let connection = try await lease()
            let result: T
            do {
                result = try await body(connection)
            } catch {
                await giveBack(connection, lost: (error as? MariaDBError)?.isConnectionLost == true)
                throw error
            }
            await giveBack(connection, lost: false)
            return result
        }
    }

    /// The thread that drives every connection's I/O, as an executor: a task that only talks to the
    /// database and never blocks may run there (`withTaskExecutorPreference`) and never change threads.
    public nonisolated var executor: any TaskExecutor { MariaDBReactor.shared }

    /// Runs `body` in a transaction on a pooled connection: committed on return, rolled back on throw.
    @discardableResult
    public nonisolated func withTransaction<T>(_ body: (MariaDBConnection) async throws -> T) async throws -> T {
        try await withConnection { connection in
            try await connection.withTransaction(body)
        }
    }

    /// How many callers are waiting for a connection right now.
    public var waitingCallers: Int { waiters.count }

    /// Connections lent out, idle, and callers waiting, for metrics.
    public var usage: (inUse: Int, idle: Int, waiting: Int) { (permitsInUse, idle.count, waiters.count) }

    /// Closes every connection and fails waiting callers; the pool cannot be used afterwards.
    public func shutdown() async {
        isShutDown = true
        while let waiter = waiters.popFirst() {
            waiter.timeout.cancel()
            waiter.continuation.resume(throwing: MariaDBPoolError.shutDown)
        }
        let connections = idle
        idle.removeAll()
        for connection in connections { connection.close() }
    }

    // MARK: - Leasing

    private func lease() async throws -> MariaDBConnection {
        try await acquirePermit()
        do {
            return try await takeIdleOrConnect()
        } catch {
            releasePermit()
            throw error
        }
    }

    private func takeIdleOrConnect() async throws -> MariaDBConnection {
        while let connection = idle.popLast() {
            if ContinuousClock.now - connection.lastReleased < options.pingAfterIdle { return connection }
            if await connection.ping() { return connection }
            connection.close()
        }
        return try await connect()
    }

    /// A connection of the caller's own, outside the pool's limit, opened the way the pool opens its
    /// own (on a cluster, to the first server in sync); `readTimeout` overrides the configuration's.
    /// The caller closes it.
    public func openDedicated(readTimeout: Int? = nil) async throws -> MariaDBConnection {
        var configuration = configuration
        if let readTimeout { configuration.readTimeout = readTimeout }
        return try await connect(configuration)
    }

    /// A new connection to the first server that answers, servers lately down tried last. On a
    /// cluster, when none can serve (a view change after a node died stalls the others for a few
    /// seconds), the list is tried again, for up to the acquire timeout, rather than failing at once.
    private func connect(_ configuration: MariaDBConfiguration? = nil) async throws -> MariaDBConnection {
        let configuration = configuration ?? self.configuration
        guard configuration.isCluster else { return try await MariaDBConnection.connect(configuration) }
        let giveUp = ContinuousClock.now + options.acquireTimeout
        var pause = Duration.milliseconds(50)
        while true {
            do {
                return try await connectToFirstInSync(configuration)
            } catch {
                guard ContinuousClock.now + pause < giveUp else { throw error }
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .milliseconds(500))
            }
        }
    }

    private func connectToFirstInSync(_ configuration: MariaDBConfiguration) async throws -> MariaDBConnection {
        let now = ContinuousClock.now
        let order = downUntil.indices.sorted { (isDown($0, at: now) ? 1 : 0, $0) < (isDown($1, at: now) ? 1 : 0, $1) }
        var lastError: any Error = MariaDBPoolError.shutDown
        for index in order {
            do {
                let connection = try await MariaDBConnection.connect(configuration, endpoint: index)
                // A Galera node that is not Synced (joining, donating, cut off) cannot serve: try the next.
                if let state = try await connection.galeraState(), state != 4 {
                    connection.close()
                    throw MariaDBError(code: 1047, sqlState: "08S01", message: "node in Galera state \(state), not Synced")
                }
                if downUntil[index] != nil {
                    downUntil[index] = nil
                    logger.info("MariaDB server \(configuration.endpoints[index]) answers again")
                }
                return connection
            } catch {
                if !isDown(index, at: now) {
                    logger.warning("MariaDB server \(configuration.endpoints[index]) is unusable, trying the next: \(error)")
                }
                downUntil[index] = ContinuousClock.now + options.retryDownAfter
                lastError = error
            }
        }
        throw lastError
    }

    private func isDown(_ index: Int, at now: ContinuousClock.Instant) -> Bool {
        downUntil[index].map { now < $0 } ?? false
    }

    private func giveBack(_ connection: MariaDBConnection, lost: Bool) {
        if lost || isShutDown {
            // Whatever killed this connection (most often a server restart) killed the idle ones too.
            let discarded = idle + [connection]
            idle.removeAll()
            releasePermit()
            if lost { logger.warning("discarded \(discarded.count) MariaDB connection(s) after a lost connection") }
            for dead in discarded { dead.close() }
            return
        }
        if connection.endpointIndex > 0 && ContinuousClock.now - connection.opened > options.failbackAfter {
            // Retired so that its successor tries the preferred server again.
            connection.close()
            releasePermit()
            return
        }
        connection.lastReleased = .now
        idle.append(connection)
        releasePermit()
    }

    private func acquirePermit() async throws {
        if isShutDown { throw MariaDBPoolError.shutDown }
        if permitsInUse < options.maxConnections && waiters.isEmpty {
            permitsInUse += 1
            return
        }
        nextWaiterID += 1
        let id = nextWaiterID
        let timeout = options.acquireTimeout
        try await withCheckedThrowingContinuation { continuation in
            let timer = Task { [weak self] in
                try? await Task.sleep(for: timeout)
                guard !Task.isCancelled else { return }
                await self?.expireWaiter(id)
            }
            waiters.append(Waiter(id: id, continuation: continuation, timeout: timer))
        }
    }

    private func releasePermit() {
        // The permit passes straight to the longest-waiting caller, keeping arrival order.
        if let waiter = waiters.popFirst() {
            waiter.timeout.cancel()
            waiter.continuation.resume()
        } else {
            permitsInUse -= 1
        }
    }

    private func expireWaiter(_ id: UInt64) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        let waiter = waiters.remove(at: index)
        waiter.continuation.resume(throwing: MariaDBPoolError.timeout(options.acquireTimeout, maxConnections: options.maxConnections))
    }
}

/// Why the pool could not lend a connection.
public enum MariaDBPoolError: Error, Sendable, CustomStringConvertible, Equatable {
    /// Every connection stayed busy for the whole acquire timeout.
    case timeout(Duration, maxConnections: Int)
    /// The pool was shut down.
    case shutDown

    public var description: String {
        switch self {
        case .timeout(let duration, let max):
            "no database connection became free within \(duration) (all \(max) busy)"
        case .shutDown:
            "the database pool is shut down"
        }
    }
}
