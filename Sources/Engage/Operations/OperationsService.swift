import Foundation

/// What operators watch besides requests: the connection pool and the work queues.
public struct OperationsService: Sendable {
    /// One reading of the queues and the pool.
    public struct Snapshot: Sendable {
        public var outbox: [String: Int]
        public var outboxOldestDueSeconds: Double
        public var webhookDeliveries: [String: Int]
        public var webhookOldestDueSeconds: Double
        public var syncJobs: [String: Int]
        public var pool: (inUse: Int, idle: Int, waiting: Int)
    }

    private let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Reads the queues (the database's figures, the same from every app node) and this process's pool.
    public func snapshot(at now: Date = Date()) async throws -> Snapshot {
        let pool = await database.pool.usage
        return try await database.read { tx in
            let queues = tx.queues
            return Snapshot(
                outbox: try await queues.countsByStatus(.outbox),
                outboxOldestDueSeconds: try await queues.oldestDueAge(.outbox, at: now),
                webhookDeliveries: try await queues.countsByStatus(.webhooks),
                webhookOldestDueSeconds: try await queues.oldestDueAge(.webhooks, at: now),
                syncJobs: try await queues.syncJobsByStatus(),
                pool: pool)
        }
    }
}
