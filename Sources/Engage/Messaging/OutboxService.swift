import Foundation

/// The filters of the outbox list: `status`, `document_id`, `page`, `per_page`.
public struct OutboxQuery: Sendable {
    public var status: OutboxStatus?
    public var documentID: Int64?
    public var page = PageRequest()

    /// Reads the parameters; every bad value is reported at once.
    public init(parameters: [String: String]) throws {
        var reader = QueryReader(parameters)
        page = reader.page()
        status = reader.choice("status", OutboxStatus.self)
        documentID = reader.id("document_id")
        try reader.finish()
    }

    /// The query as parameters again (defaults left out), for links to other pages.
    public var parameters: [(String, String)] {
        var list: [(String, String)] = []
        if let status { list.append(("status", status.rawValue)) }
        if let documentID { list.append(("document_id", String(documentID))) }
        if page.perPage != PageRequest.defaultSize { list.append(("per_page", String(page.perPage))) }
        return list
    }
}

/// What staff see of the outbox, and the retry of a message that was not delivered.
public struct OutboxService: Sendable {
    private let database: Database
    /// Seals the new link of a retried message.
    private let seal: SecretSeal

    public init(database: Database, seal: SecretSeal) {
        self.database = database
        self.seal = seal
    }

    /// A page of messages, newest first.
    public func list(_ query: OutboxQuery) async throws -> Page<OutboxMessage> {
        try await database.read { tx in
            let found = try await tx.outbox.page(
                status: query.status, documentID: query.documentID, limit: query.page.perPage, offset: query.page.offset)
            return Page(items: found.items, request: query.page, total: found.total)
        }
    }

    /// How many messages are in each status.
    public func counts() async throws -> [OutboxStatus: Int] {
        try await database.read { try await $0.outbox.countsByStatus() }
    }

    public func find(id: Int64) async throws -> OutboxMessage {
        guard let message = try await database.read({ try await $0.outbox.find(id: id) }) else {
            throw RecordNotFound("Outbox message", id: id)
        }
        return message
    }

    /// Queues a failed or dead message again with fresh attempts; any other status is left as it is.
    /// Its link's secret was dropped when it failed, so a message with a link gets a new one with
    /// the same options.
    public func retry(id: Int64, by actor: Actor) async throws -> OutboxMessage {
        try actor.requireWrite()
        return try await database.write { tx in
            let outbox = tx.outbox
            guard let message = try await outbox.find(id: id) else { throw RecordNotFound("Outbox message", id: id) }
            guard message.status.isRetryable else {
                throw ValidationError(fields: [.init(
                    field: "status", code: .invalidValue,
                    message: "Only failed or dead messages can be retried; this one is \(message.status.rawValue).")])
            }
            var newLink: (id: Int64, sealedSecret: Data)?
            if message.carriesLink, message.sealedLinkSecret == nil {
                newLink = try await replacementLink(for: message, by: actor, in: tx)
            }
            _ = try await outbox.requeue(id: id, newLink: newLink)
            return try await outbox.find(id: id) ?? message
        }
    }

    /// A new link like the message's old one, inside the caller's unit of work, its secret sealed.
    private func replacementLink(for message: OutboxMessage, by actor: Actor, in tx: Transaction) async throws -> (id: Int64, sealedSecret: Data) {
        guard let documentID = message.documentID, let linkID = message.linkID,
              let locked = try await tx.documents.lockLive(id: documentID),
              let old = try await tx.links.find(id: linkID, documentID: documentID)
        else {
            throw ValidationError(fields: [.init(
                field: "status", code: .invalidValue, message: "This message's document or link is gone: send the document again.")])
        }
        var changes = DocumentChanges(locked)
        let created = try await RecipientLinkService.insert(
            RecipientLinkService.options(copying: old), into: &changes, by: actor, from: ClientInfo(ipAddress: nil, userAgent: nil), in: tx)
        try await changes.write(in: tx)
        return (created.link.id, try seal.seal(created.secret))
    }
}
