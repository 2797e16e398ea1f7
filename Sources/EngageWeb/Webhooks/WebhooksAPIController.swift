import Engage
import Hummingbird

/// `/api/v1/webhooks` (admins): endpoints with the event catalogue and their statistics, create,
/// show, change, delete, test, rotate the secret, and each endpoint's deliveries with replay.
struct WebhooksAPIController {
    let webhooks: WebhookService
    let collectionURL: String

    /// An endpoint with its secret, in the one answer that shows it.
    private struct Revealed: JSONWritable {
        let endpoint: WebhookEndpoint
        let secret: String

        func writeJSON(_ w: inout JSONWriter) {
            endpoint.writeJSON(&w, secret: secret)
        }
    }

    /// A delivery with the body it carries and its attempts.
    private struct DeliveryDetails: JSONWritable {
        let delivery: WebhookDelivery
        let body: String
        let attempts: [WebhookAttempt]

        func writeJSON(_ w: inout JSONWriter) {
            w.beginObject()
            w.key("attempts")
            w.beginArray()
            for attempt in attempts { attempt.writeJSON(&w) }
            w.endArray()
            w.key("body"); w.value(body)
            w.key("delivery"); delivery.writeJSON(&w)
            w.endObject()
        }
    }

    /// The list and the catalogue of events a subscription may name.
    private struct Listing: JSONWritable {
        let endpoints: [WebhookEndpoint]

        func writeJSON(_ w: inout JSONWriter) {
            w.beginObject()
            w.key("data")
            w.beginArray()
            for endpoint in endpoints { endpoint.writeJSON(&w) }
            w.endArray()
            w.key("meta")
            w.beginObject()
            w.key("available_events")
            w.beginArray()
            for type in ["*"] + WebhookEventType.subscribable.map(\.rawValue) { w.value(type) }
            w.endArray()
            w.endObject()
            w.key("success"); w.value(true)
            w.endObject()
        }
    }

    func register(on api: RouterGroup<EngageRequestContext>) {
        let group = api.group("webhooks")
        group.get { _, context in
            var w = JSONWriter()
            Listing(endpoints: try await webhooks.list(by: try context.actor())).writeJSON(&w)
            return APIResponse.json(bytes: w.bytes, status: .ok)
        }
        group.post { request, context in
            let created = try await webhooks.create(try await request.decodeInput(context: context), by: try context.actor())
            var response = try APIResponse.success(Revealed(endpoint: created.endpoint, secret: created.secret), status: .created)
            response.headers[.location] = "\(collectionURL)/\(created.endpoint.id)"
            return response
        }
        group.get(":id") { _, context in
            try APIResponse.success(try await webhooks.find(id: try context.id(), by: try context.actor()))
        }
        group.put(":id") { request, context in
            let input = try await request.decodeInput(context: context)
            return try APIResponse.success(try await webhooks.update(id: try context.id(), input, by: try context.actor()))
        }
        group.delete(":id") { _, context in
            try await webhooks.delete(id: try context.id(), by: try context.actor())
            return Response(status: .noContent)
        }
        group.post(":id/test") { _, context in
            try APIResponse.success(try await webhooks.test(id: try context.id(), by: try context.actor()), status: .accepted)
        }
        group.post(":id/rotate-secret") { _, context in
            let rotated = try await webhooks.rotateSecret(id: try context.id(), by: try context.actor())
            return try APIResponse.success(Revealed(endpoint: rotated.endpoint, secret: rotated.secret))
        }
        group.get(":id/deliveries") { request, context in
            let id = try context.id()
            let page = try await webhooks.deliveries(id: id, page: try PageRequest(parameters: request.apiQuery()), by: try context.actor())
            return try APIList(page, url: "\(collectionURL)/\(id)/deliveries", parameters: []).response()
        }
        group.get(":id/deliveries/:delivery_id") { _, context in
            let found = try await webhooks.delivery(id: try context.id(), deliveryID: try context.id("delivery_id"), by: try context.actor())
            return try APIResponse.success(DeliveryDetails(delivery: found.delivery, body: found.body, attempts: found.attempts))
        }
        group.post(":id/deliveries/:delivery_id/replay") { _, context in
            try APIResponse.success(
                try await webhooks.replay(id: try context.id(), deliveryID: try context.id("delivery_id"), by: try context.actor()), status: .accepted)
        }
    }
}
