import Foundation

/// When reminders go out.
public struct ReminderSettings: Sendable {
    /// Days before a document's due date (`ENGAGE_REMINDER_DAYS_BEFORE_DUE`; 0 turns them off).
    public var daysBeforeDue: Int
    /// Days before the sent link expires (`ENGAGE_REMINDER_DAYS_BEFORE_EXPIRY`; 0 turns them off).
    public var daysBeforeExpiry: Int

    public init(daysBeforeDue: Int = 3, daysBeforeExpiry: Int = 2) {
        self.daysBeforeDue = daysBeforeDue
        self.daysBeforeExpiry = daysBeforeExpiry
    }
}

/// Reminds recipients of documents still waiting for them: a few days before the due date and
/// before the link they were sent expires. Each goes to the recipient of the document's last
/// notification, on the same channel and in the same language, with a new link that allows the
/// same and expires at the same time. A reminder is recorded in `document_reminders` in the same
/// transaction as its message, so the same date is never reminded twice, whichever worker looks.
public struct ReminderService: Sendable {
    private let database: Database
    private let sender: SendService
    private let settings: ReminderSettings

    public init(database: Database, sender: SendService, settings: ReminderSettings) {
        self.database = database
        self.sender = sender
        self.settings = settings
    }

    /// Queues every reminder that is due at `now`; returns how many.
    @discardableResult
    public func queueDue(now: Date = Date()) async throws -> Int {
        let due = try await database.read { tx in
            try await tx.reminders.due(
                now: now, daysBeforeDue: settings.daysBeforeDue, daysBeforeExpiry: settings.daysBeforeExpiry)
        }
        var queued = 0
        for reminder in due where try await queue(reminder) {
            queued += 1
        }
        return queued
    }

    /// Queues one reminder unless that date was reminded already (or the document has no notification to follow).
    private func queue(_ reminder: ReminderRepository.Due) async throws -> Bool {
        try await database.write { tx in
            let reminders = tx.reminders
            guard try await tx.documents.lockLive(id: reminder.documentID) != nil,
                  let last = try await tx.outbox.lastNotification(documentID: reminder.documentID),
                  try await reminders.claim(reminder)
            else { return false }
            let token = try await last.linkID.asyncMap {
                try await tx.links.find(id: $0, documentID: reminder.documentID)
            } ?? nil
            let link = token.map(RecipientLinkService.options(copying:))
            let outcome = try await sender.queue(
                .init(
                    channel: last.channel, recipient: last.recipient, recipientName: last.recipientName, subject: nil, message: nil,
                    purpose: .reminder, language: last.language, cc: last.cc, link: link, reminders: nil),
                documentID: reminder.documentID, by: .system, from: nil, in: tx)
            try await reminders.attach(reminder, messageID: outcome.message.id)
            return true
        }
    }
}

extension Optional {
    /// `map` with an async transform.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
