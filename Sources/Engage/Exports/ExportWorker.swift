import Foundation
import Logging

/// Builds the exports too large to build during a request, one at a time per worker (any number
/// of workers), and removes expired files.
public struct ExportWorker: Sendable {
    private let exports: ExportService
    private let logger: Logger
    private let name: String

    public init(database: Database, logger: Logger) {
        exports = ExportService(database: database)
        self.logger = logger
        name = "export:\(ProcessInfo.processInfo.hostName.prefix(30)):\(getpid()):\(SecretToken.randomHexID().prefix(6))"
    }

    /// Works until the task is cancelled; an export under way is finished first.
    public func run() async {
        var nextPurge = ContinuousClock.now
        while !Task.isCancelled {
            do {
                if ContinuousClock.now >= nextPurge {
                    nextPurge = ContinuousClock.now + .seconds(60)
                    try await exports.purge()
                }
                let built = try await Task { try await exports.buildNext(owner: name) }.value
                if !built { try? await Task.sleep(for: .seconds(1)) }
            } catch {
                logger.error("export failed", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}
