import Foundation

/// Integrators' webhook endpoints (admins only): subscribe, change, test, rotate the secret, and
/// follow each delivery with its attempts.
public struct WebhookService: Sendable {
    private let database: Database
    private let seal: SecretSeal
    private let addresses: AddressGuard
    private let settings: WebhookSettings

    static let fields: Set<String> = ["url", "description", "events", "enabled", "replay_missed"]

    public init(database: Database, seal: SecretSeal, settings: WebhookSettings) {
        self.database = database
        self.seal = seal
        self.settings = settings
        addresses = AddressGuard(allowPrivate: settings.allowPrivate)
    }

    /// Every endpoint with its delivery statistics.
    public func list(by actor: Actor) async throws -> [WebhookEndpoint] {
        try actor.requireAdmin()
        return try await database.read { tx in
            let endpoints = try await tx.webhooks.endpoints()
            let statistics = try await tx.webhooks.statistics(ids: endpoints.map(\.id))
            return endpoints.map { endpoint in
                var endpoint = endpoint
                endpoint.statistics = statistics[endpoint.id] ?? .init()
                return endpoint
            }
        }
    }

    public func find(id: Int64, by actor: Actor) async throws -> WebhookEndpoint {
        try actor.requireAdmin()
        return try await database.read { try await Self.existing(id, $0) }
    }

    /// Subscribes a URL; returns it with its secret, shown this once.
    public func create(_ input: Input, by actor: Actor) async throws -> (endpoint: WebhookEndpoint, secret: String) {
        try actor.requireAdmin()
        let read = try await self.read(input, over: nil)
        let secret = WebhookSignature.newSecret()
        let sealed = try seal.seal(secret)
        let endpoint = try await database.write { tx in
            let id = try await tx.webhooks.insertEndpoint(
                url: read.url, description: read.description, events: read.events, sealedSecret: sealed, createdBy: actor.userID, at: Date())
            return try await Self.existing(id, tx)
        }
        return (endpoint, secret)
    }

    /// Changes what `input` mentions. Enabling a disabled endpoint starts it afresh and, with
    /// `replay_missed`, queues again what failed since it last answered.
    public func update(id: Int64, _ input: Input, by actor: Actor) async throws -> WebhookEndpoint {
        try actor.requireAdmin()
        let current = try await find(id: id, by: actor)
        let read = try await self.read(input, over: current)
        return try await database.write { tx in
            let now = Date()
            try await tx.webhooks.updateEndpoint(
                id: id, url: read.url, description: read.description, events: read.events, enabled: read.enabled, at: now)
            if read.replayMissed, read.enabled, !current.enabled { _ = try await tx.webhooks.replayMissed(endpointID: id, at: now) }
            return try await Self.existing(id, tx)
        }
    }

    public func delete(id: Int64, by actor: Actor) async throws {
        try actor.requireAdmin()
        guard try await database.write({ try await $0.webhooks.deleteEndpoint(id: id) }) else { throw RecordNotFound("Webhook", id: id) }
    }

    /// A new secret, shown this once; the old one keeps signing beside it for the overlap.
    public func rotateSecret(id: Int64, by actor: Actor) async throws -> (endpoint: WebhookEndpoint, secret: String) {
        try actor.requireAdmin()
        let secret = WebhookSignature.newSecret()
        let sealed = try seal.seal(secret)
        let endpoint = try await database.write { tx in
            _ = try await Self.existing(id, tx)
            let now = Date()
            try await tx.webhooks.rotateSecret(id: id, sealedSecret: sealed, previousUntil: now.addingTimeInterval(settings.secretOverlap.seconds), at: now)
            return try await Self.existing(id, tx)
        }
        return (endpoint, secret)
    }

    /// Queues a `webhook.test` event to this endpoint alone; returns its delivery.
    public func test(id: Int64, by actor: Actor) async throws -> WebhookDelivery {
        try actor.requireAdmin()
        return try await database.write { tx in
            let endpoint = try await Self.existing(id, tx)
            let now = Date()
            try await tx.webhooks.enqueue(
                messageID: WebhookMessage.newID(), type: WebhookEventType.test.rawValue,
                body: WebhookMessage.body(.test, TestPing(endpointID: endpoint.id, url: endpoint.url), at: now), endpointIDs: [endpoint.id], at: now)
            guard let delivery = try await tx.webhooks.deliveries(endpointID: id, limit: 1, offset: 0).items.first else {
                throw RecordNotFound("Webhook delivery", id: id)
            }
            return delivery
        }
    }

    /// A page of the endpoint's deliveries, newest first.
    public func deliveries(id: Int64, page: PageRequest, by actor: Actor) async throws -> Page<WebhookDelivery> {
        try actor.requireAdmin()
        return try await database.read { tx in
            _ = try await Self.existing(id, tx)
            let found = try await tx.webhooks.deliveries(endpointID: id, limit: page.perPage, offset: (page.page - 1) * page.perPage)
            return Page(items: found.items, request: page, total: found.total)
        }
    }

    /// One delivery with the body it carries and each attempt as it went.
    public func delivery(id: Int64, deliveryID: Int64, by actor: Actor) async throws -> (delivery: WebhookDelivery, body: String, attempts: [WebhookAttempt]) {
        try actor.requireAdmin()
        return try await database.read { tx in
            guard let delivery = try await tx.webhooks.delivery(id: deliveryID, endpointID: id),
                  let body = try await tx.webhooks.body(deliveryID: deliveryID)
            else { throw RecordNotFound("Webhook delivery", id: deliveryID) }
            return (delivery, body, try await tx.webhooks.attempts(deliveryID: deliveryID))
        }
    }

    /// Sends a delivered or failed delivery again, with the same `webhook-id`.
    public func replay(id: Int64, deliveryID: Int64, by actor: Actor) async throws -> WebhookDelivery {
        try actor.requireAdmin()
        return try await database.write { tx in
            guard let delivery = try await tx.webhooks.delivery(id: deliveryID, endpointID: id) else {
                throw RecordNotFound("Webhook delivery", id: deliveryID)
            }
            guard try await tx.webhooks.replay(id: deliveryID, at: Date()) else {
                throw ValidationError(fields: [.init(
                    field: "status", code: .invalidValue, message: "Only a delivered or failed delivery can be replayed; this one is \(delivery.status.rawValue).")])
            }
            guard let replayed = try await tx.webhooks.delivery(id: deliveryID, endpointID: id) else { throw RecordNotFound("Webhook delivery", id: deliveryID) }
            return replayed
        }
    }

    /// The checked fields of a create or update request.
    private struct Fields {
        var url: String
        var description: String?
        var events: [String]
        var enabled: Bool
        var replayMissed: Bool
    }

    private func read(_ input: Input, over current: WebhookEndpoint?) async throws -> Fields {
        var reader = InputReader(input, allowed: Self.fields)
        let url = reader.text("url", label: "URL", required: current == nil, max: 2048)
        let description = reader.text("description", label: "Description", max: 255)
        var events = current?.events ?? ["*"]
        switch reader.strings("events", label: "Events", maxCount: WebhookEventType.subscribable.count + 1) {
        case .absent: break
        case .null: reader.report("events", .required, "Choose the events to send, or * for all.")
        case .value(let names):
            let known = Set(WebhookEventType.subscribable.map(\.rawValue) + ["*"])
            let unknown = names.filter { !known.contains($0) }
            if !unknown.isEmpty {
                reader.report("events", .invalidValue, "Events must be among the catalogue (GET /api/v1/webhooks lists it) or *; not \(unknown.joined(separator: ", ")).")
            } else if names.isEmpty {
                reader.report("events", .required, "Choose the events to send, or * for all.")
            }
            var seen = Set<String>()
            events = names.contains("*") ? ["*"] : names.filter { seen.insert($0).inserted }
        }
        let enabled = reader.contains("enabled") ? reader.flag("enabled", label: "Enabled") : current?.enabled ?? true
        let replayMissed = reader.flag("replay_missed", label: "Replay missed")
        let address = url.value ?? current?.url ?? ""
        if let given = url.value {
            if let problem = await problem(with: given) { reader.report("url", .invalidValue, problem) }
        }
        try reader.finish()
        return Fields(
            url: address, description: description.merged(over: current?.description), events: events, enabled: enabled, replayMissed: replayMissed)
    }

    /// Why `url` cannot receive webhooks, or nil: http(s) with a host, no credentials, and only public addresses.
    private func problem(with url: String) async -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = components.host, !host.isEmpty
        else { return "URL must be an http:// or https:// address with a host." }
        if components.user != nil || components.password != nil { return "URL must not carry a user name or password." }
        do {
            _ = try await addresses.check(host: host)
            return nil
        } catch let refusal as AddressGuard.Refusal {
            return refusal.description
        } catch {
            return "\(host) cannot be resolved now."
        }
    }

    private static func existing(_ id: Int64, _ tx: Transaction) async throws -> WebhookEndpoint {
        guard var endpoint = try await tx.webhooks.endpoint(id: id) else { throw RecordNotFound("Webhook", id: id) }
        endpoint.statistics = try await tx.webhooks.statistics(ids: [id])[id] ?? .init()
        return endpoint
    }
}

/// The data of a `webhook.test` event.
struct TestPing: JSONWritable {
    let endpointID: Int64
    let url: String

    func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.key("endpoint_id"); w.value(endpointID)
        w.key("message"); w.value("A test from Oui Engage: this endpoint is reachable and its signature can be checked.")
        w.key("url"); w.value(url)
        w.endObject()
    }
}
