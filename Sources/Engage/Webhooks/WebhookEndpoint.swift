import Foundation

/// An integrator's URL that receives the events it subscribed to.
public struct WebhookEndpoint: Sendable, Equatable, Identifiable {
    public let id: Int64
    public let url: String
    public let description: String?
    /// Event types, or `["*"]` for all.
    public let events: [String]
    public let enabled: Bool
    public let disabledReason: String?
    public let disabledAt: Date?
    /// Since when every delivery has failed; nil while the endpoint answers.
    public let failingSince: Date?
    public let lastSuccessAt: Date?
    /// Until when the secret replaced by the last rotation still signs.
    public let previousSecretUntil: Date?
    public let createdAt: Date
    public let updatedAt: Date
    /// Deliveries by status, for the list and the page.
    public var statistics = Statistics()

    /// How an endpoint's deliveries stand.
    public struct Statistics: Sendable, Equatable {
        public var delivered = 0
        /// Waiting for a retry after at least one failed attempt.
        public var retrying = 0
        public var queued = 0
        public var failed = 0
    }

}

extension WebhookEndpoint: JSONWritable {
    public func writeJSON(_ w: inout JSONWriter) {
        writeJSON(&w, secret: nil)
    }

    /// The endpoint; its `secret` only in the answer that created or rotated it.
    public func writeJSON(_ w: inout JSONWriter, secret: String?) {
        w.beginObject()
        w.key("created_at"); w.value(createdAt)
        w.key("description"); w.value(description)
        w.key("disabled_at"); w.value(disabledAt)
        w.key("disabled_reason"); w.value(disabledReason)
        w.key("enabled"); w.value(enabled)
        w.key("events")
        w.beginArray()
        for event in events { w.value(event) }
        w.endArray()
        w.key("failing_since"); w.value(failingSince)
        w.key("id"); w.value(id)
        w.key("last_success_at"); w.value(lastSuccessAt)
        w.key("previous_secret_until"); w.value(previousSecretUntil)
        if let secret { w.key("secret"); w.value(secret) }
        w.key("statistics")
        w.beginObject()
        w.key("delivered"); w.value(statistics.delivered)
        w.key("failed"); w.value(statistics.failed)
        w.key("queued"); w.value(statistics.queued)
        w.key("retrying"); w.value(statistics.retrying)
        w.endObject()
        w.key("updated_at"); w.value(updatedAt)
        w.key("url"); w.value(url)
        w.endObject()
    }
}

/// One event on its way to one endpoint, with its latest outcome.
public struct WebhookDelivery: Sendable, Equatable, Identifiable {
    public enum Status: String, Sendable, CaseIterable {
        case queued, sending, delivered, failed
    }

    public let id: Int64
    public let endpointID: Int64
    /// The `webhook-id` every attempt carries.
    public let messageID: String
    public let eventType: String
    public let status: Status
    public let attempts: Int
    public let nextAttemptAt: Date
    public let lastStatusCode: Int?
    public let lastError: String?
    public let createdAt: Date
    public let deliveredAt: Date?
}

extension WebhookDelivery: JSONWritable {
    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.key("attempts"); w.value(attempts)
        w.key("created_at"); w.value(createdAt)
        w.key("delivered_at"); w.value(deliveredAt)
        w.key("endpoint_id"); w.value(endpointID)
        w.key("event_type"); w.value(eventType)
        w.key("id"); w.value(id)
        w.key("last_error"); w.value(lastError)
        w.key("last_status_code"); w.value(lastStatusCode)
        w.key("message_id"); w.value(messageID)
        w.key("next_attempt_at"); w.value(status == .queued ? nextAttemptAt : nil)
        w.key("status"); w.value(status.rawValue)
        w.endObject()
    }
}

/// One try of a delivery: the request as signed and what came back.
public struct WebhookAttempt: Sendable, Equatable {
    public let attempt: Int
    public let sentAt: Date
    public let durationMilliseconds: Int
    public let signedTimestamp: Int64
    public let signature: String
    public let statusCode: Int?
    public let responseHeaders: String?
    public let responseBody: String?
    public let error: String?
}

extension WebhookAttempt: JSONWritable {
    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.key("attempt"); w.value(attempt)
        w.key("duration_ms"); w.value(durationMilliseconds)
        w.key("error"); w.value(error)
        w.key("response_body"); w.value(responseBody)
        w.key("response_headers"); w.value(responseHeaders)
        w.key("sent_at"); w.value(sentAt)
        w.key("signature"); w.value(signature)
        w.key("status_code"); w.value(statusCode)
        w.key("timestamp"); w.value(signedTimestamp)
        w.endObject()
    }
}
