import Engage
import Hummingbird

/// `POST /api/v1/document-engagements/{id}/send`, `POST …/bulk/send`, `PUT …/{id}/reminders` and `/api/v1/outbox`.
struct MessagingAPIController {
    let sender: SendService
    let outbox: OutboxService
    let links: PublicLinks
    /// The absolute URL of the API, for pagination links.
    let apiURL: String

    func register(on api: RouterGroup<EngageRequestContext>) {
        api.post("document-engagements/:id/send") { request, context in
            let outcome = try await sender.send(
                documentID: try context.id(), try await request.decodeInput(context: context), by: try context.actor(),
                from: request.client(context))
            return try APIResponse.success(SendPayload(outcome: outcome, links: links), status: .accepted)
        }
        api.post("document-engagements/bulk/send") { request, context in
            let results = try await sender.bulkSend(
                try await request.decodeInput(context: context), by: try context.actor(), from: request.client(context))
            return try APIResponse.success(BulkPayload(results: results, done: "queued") { outcome, w in
                SendPayload(outcome: outcome, links: links).writeJSON(&w)
            })
        }
        api.put("document-engagements/:id/reminders") { request, context in
            try APIResponse.success(try await sender.setReminders(
                documentID: try context.id(), try await request.decodeInput(context: context), by: try context.actor()))
        }
        api.get("outbox") { request, context in
            let query = try OutboxQuery(parameters: request.apiQuery())
            return try APIList(try await outbox.list(query), url: "\(apiURL)/outbox", parameters: query.parameters).response()
        }
        api.get("outbox/:id") { _, context in
            try APIResponse.success(try await outbox.find(id: try context.id()))
        }
        api.post("outbox/:id/retry") { _, context in
            try APIResponse.success(try await outbox.retry(id: try context.id(), by: try context.actor()))
        }
    }
}

/// What a send queued: the message, the new link (whole, this once) and the document's status.
struct SendPayload: JSONWritable {
    let outcome: SendService.Outcome
    let links: PublicLinks

    func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.key("document_id"); w.value(outcome.document.id)
        w.key("document_status"); w.value(outcome.document.status.rawValue)
        w.key("message"); outcome.message.writeJSON(&w)
        w.key("token")
        if let link = outcome.link {
            links.created(link.link, secret: link.secret).writeJSON(&w)
        } else {
            w.value(nil as String?)
        }
        w.endObject()
    }
}
