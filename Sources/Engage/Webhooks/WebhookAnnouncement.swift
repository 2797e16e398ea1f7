import Foundation

extension Transaction {
    /// Queues an event for every enabled endpoint that wants it, in the transaction of the change
    /// it announces: `data` is the record as the API shows it. Nothing is written when no endpoint
    /// wants the event, which costs one read of the (small) endpoint table.
    func announce(_ type: WebhookEventType, _ data: some JSONWritable, at time: Date = Date()) async throws {
        try await announce([type], data, at: time)
    }

    /// Whether some enabled endpoint wants `type`: lets a caller skip loading what it would announce.
    func announces(_ type: WebhookEventType) async throws -> Bool {
        try await webhooks.subscribers().contains { type.isWanted(by: $0.events) }
    }

    /// Queues several events about one record (a batch of a document's changes), in order;
    /// `audience` saves reading the subscribers when the caller already did.
    func announce(_ types: [WebhookEventType], _ data: some JSONWritable, at time: Date = Date(), to audience: WebhookAudience? = nil) async throws {
        guard !types.isEmpty else { return }
        var subscribers = audience?.subscribers ?? []
        if audience == nil { subscribers = try await webhooks.subscribers() }
        for type in types {
            let endpoints = subscribers.filter { type.isWanted(by: $0.events) }.map(\.id)
            guard !endpoints.isEmpty else { continue }
            try await webhooks.enqueue(
                messageID: WebhookMessage.newID(), type: type.rawValue, body: WebhookMessage.body(type, data, at: time),
                endpointIDs: endpoints, at: time)
        }
    }
}

/// The enabled endpoints and their subscriptions, read once for a unit of work that announces
/// events about many records (a sync's page).
struct WebhookAudience: Sendable {
    let subscribers: [(id: Int64, events: [String])]

    static func read(in tx: Transaction) async throws -> WebhookAudience {
        WebhookAudience(subscribers: try await tx.webhooks.subscribers())
    }
}

/// The body of every webhook: `{"data": …, "timestamp": …, "type": …}`.
enum WebhookMessage {
    /// A `webhook-id`: `msg_` and 32 random hex digits.
    static func newID() -> String {
        "msg_" + SecretToken.randomHexID()
    }

    static func body(_ type: WebhookEventType, _ data: some JSONWritable, at time: Date) -> String {
        var w = JSONWriter(capacity: 2048)
        w.beginObject()
        w.key("data"); data.writeJSON(&w)
        w.key("timestamp"); w.value(time)
        w.key("type"); w.value(type.rawValue)
        w.endObject()
        return String(decoding: w.bytes, as: UTF8.self)
    }
}
