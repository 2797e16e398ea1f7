import Logging

/// Merges queued lead syncs as they arrive, a batch at a time: after a batch that emptied the
/// queue, or while it is empty, it waits 200 ms (under load, a few large batches cost far less
/// than many small ones), so a sync is merged well within a second of its 202.
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
                if merged < LeadSyncService.processLimit { try? await Task.sleep(for: .milliseconds(200)) }
            } catch {
                logger.error("lead sync failed", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}
