import Logging

/// Merges queued lead syncs as they arrive: a batch at a time, and a look at the queue every
/// 200 ms while it is empty, so a sync is merged well within a second of its 202.
public struct LeadSyncWorker: Sendable {
    private let syncs: LeadSyncService
    private let logger: Logger

    public init(database: Database, logger: Logger) {
        syncs = LeadSyncService(database: database)
        self.logger = logger
    }

    /// Works until the task is cancelled; a batch under way is finished first.
    public func run() async {
        while !Task.isCancelled {
            do {
                let merged = try await Task { try await syncs.process() }.value
                if merged == 0 { try? await Task.sleep(for: .milliseconds(200)) }
            } catch {
                logger.error("lead sync failed", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}
