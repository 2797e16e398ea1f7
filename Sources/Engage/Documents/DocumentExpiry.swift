import Foundation
import Logging

/// Expires documents whose `expires_at` has passed while they waited for their recipients: the
/// status moves to expired (`status_changed`, the `document.expired` webhook), every live link is
/// revoked, and the owner is told, in one transaction per sweep. Reminders stop with the status.
/// Any number of workers on any nodes may sweep at once: each takes the overdue rows no other
/// holds (`SKIP LOCKED`) and checks them again under its lock, so a document expires once.
public struct DocumentExpiry: Sendable {
    private let database: Database
    private let sender: SendService
    private let logger: Logger
    /// Documents expired per transaction at most, so that one sweep never holds many locks for long.
    static let batchLimit = 100

    public init(database: Database, sender: SendService, logger: Logger) {
        self.database = database
        self.sender = sender
        self.logger = logger
    }

    /// Expires up to `batchLimit` overdue documents; returns their ids.
    public func sweep(now: Date = Date()) async throws -> [Int64] {
        try await database.write { tx in
            var expired: [Int64] = []
            for id in try await tx.documents.lockOverdue(at: now, limit: Self.batchLimit) {
                guard let locked = try await tx.documents.lockLive(id: id) else { continue }
                var changes = DocumentChanges(locked, at: now)
                guard try changes.apply(.expiryReached).event != nil else { continue }
                for link in try await tx.links.all(documentID: id) where link.revokedAt == nil {
                    if try await tx.links.revoke(id: link.id, by: nil) { try changes.apply(.linkRevoked, linkID: link.id) }
                }
                try await changes.write(in: tx)
                try await notice(changes.document, in: tx, at: now)
                expired.append(id)
            }
            return expired
        }
    }

    /// Sweeps once a minute, and again at once while a sweep found a full batch, until cancelled.
    public func run() async {
        while !Task.isCancelled {
            do {
                let expired = try await sweep()
                if !expired.isEmpty { logger.info("documents expired", metadata: ["count": "\(expired.count)"]) }
                if expired.count == Self.batchLimit { continue }
            } catch {
                logger.error("expiry sweep failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(60))
        }
    }

    private func notice(_ document: Document, in tx: Transaction, at time: Date) async throws {
        let text = """
            \(document.documentNumber), \(document.title), expired at \(ISOTimestamp.string(document.expiresAt ?? time)) \
            before its recipients completed it.

            Its links no longer work and no reminder goes out. To send it again, put it back to draft, \
            change or clear its expiry, and send it:
            \(sender.links.base)/documents/\(document.id)
            """
        try await StaffNotice(subject: "Expired: \(document.documentNumber)", text: text, messageIDDomain: sender.messageIDDomain)
            .queue(toOwnerOf: document, in: tx, at: time)
    }
}
