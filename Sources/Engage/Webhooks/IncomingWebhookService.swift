import Foundation

/// Partners' callbacks: verified and kept at once (the answer never waits for processing), then
/// processed by a worker, once per event id, into the document they name.
public struct IncomingWebhookService: Sendable {
    private let database: Database
    /// The secret each partner signs with (settings, else the environment).
    private let secret: @Sendable (Partner) async throws -> String?

    public init(database: Database, secret: @escaping @Sendable (Partner) async throws -> String?) {
        self.database = database
        self.secret = secret
    }

    /// What a kept callback came to.
    public struct Receipt: Sendable {
        /// The id of the row that holds it; nil for an event id already received.
        public let id: Int64?
        public var duplicate: Bool { id == nil }
    }

    /// Verifies `body` against `signature` and keeps it for processing. A refusal is noted (without
    /// the body) and thrown as `CallbackRefused`; a verified body that is not the expected JSON
    /// envelope (`id`, `event`) throws `MalformedCallback`.
    public func receive(from source: Partner, signature: String?, body: Data) async throws -> Receipt {
        let verdict = CallbackSignature.verify(header: signature, body: body, secret: try await secret(source))
        let now = Date()
        guard verdict == .verified else {
            try await database.statements { try await $0.callbacks.insertRefused(source: source, verdict: verdict, at: now) }
            throw CallbackRefused(verdict: verdict)
        }
        guard case .object(let envelope)? = try? JSONDecoder().decode(JSONValue.self, from: body) else {
            throw MalformedCallback(reason: "The body is not a JSON object.")
        }
        let eventID = Self.identifier(envelope["id"])
        guard let eventID, !eventID.isEmpty, eventID.count <= 100 else { throw MalformedCallback(reason: "The event has no id.") }
        guard case .string(let event)? = envelope["event"], !event.isEmpty, event.count <= 100 else {
            throw MalformedCallback(reason: "The event has no event name.")
        }
        let id = try await database.statements {
            try await $0.callbacks.insertVerified(
                source: source, eventID: eventID, eventType: event, body: String(decoding: body, as: UTF8.self), at: now)
        }
        return Receipt(id: id)
    }

    /// Processes up to `limit` kept callbacks, each in the transaction that changes its document;
    /// returns how many.
    @discardableResult
    public func processReceived(limit: Int = 50) async throws -> Int {
        try await database.write { tx in
            let pending = try await tx.callbacks.claimReceived(limit: limit)
            for callback in pending {
                let (status, outcome) = try await Self.apply(callback.source, body: callback.body, in: tx)
                try await tx.callbacks.finish(id: callback.id, status: status, outcome: outcome, at: Date())
            }
            return pending.count
        }
    }

    /// The newest callbacks, for the portal.
    public func recent(limit: Int = 100, by actor: Actor) async throws -> [IncomingWebhook] {
        try actor.requireAdmin()
        return try await database.read { try await $0.callbacks.recent(limit: limit) }
    }

    /// An id as partners write it: text, or a number read as its digits.
    private static func identifier(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text)?: text
        case .number(let number)?: "\(number)"
        default: nil
        }
    }

    /// What one callback does to its document, and how that is told.
    private static func apply(_ source: Partner, body: String, in tx: Transaction) async throws -> (IncomingWebhook.Status, String) {
        guard case .object(let envelope)? = try? JSONDecoder().decode(JSONValue.self, from: Data(body.utf8)),
              case .string(let event)? = envelope["event"]
        else { return (.failed, "The stored body is not a JSON object.") }
        guard case .object(let data)? = envelope["data"], case .object(let object)? = data["object"] else {
            return (.ignored, "No data.object in the event.")
        }
        guard let status = source.status(for: event, object: object) else {
            return (.ignored, "\(event) changes nothing here.")
        }
        guard let externalID = Self.identifier(object["id"]) else { return (.ignored, "The object has no id.") }
        guard let documentID = try await tx.documents.liveID(externalSource: source.externalSource, externalID: externalID) else {
            return (.ignored, "No live document with \(source.rawValue) id \(externalID); the sync will bring it in when it exists.")
        }
        do {
            guard let document = try await tx.change(
                documentID: documentID, .synced(status: status),
                details: ["source": .string(source.rawValue), "event": .string(event)])
            else { return (.ignored, "Document \(documentID) is no longer live.") }
            return (.processed, "Document \(documentID) is \(document.status.rawValue).")
        } catch let refusal as ValidationError {
            return (.failed, "Document \(documentID): \(refusal.fields.map(\.message).joined(separator: " "))")
        }
    }
}
