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
            return try APIResponse.success(BulkSendPayload(results: results, links: links))
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

/// Each document's answer in a bulk send, in the order asked.
struct BulkSendPayload: JSONWritable {
    let results: [(documentID: Int64, result: Result<SendService.Outcome, any Error>)]
    let links: PublicLinks

    func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.key("queued"); w.value(results.filter { if case .success = $0.result { true } else { false } }.count)
        w.key("failed"); w.value(results.filter { if case .failure = $0.result { true } else { false } }.count)
        w.key("results")
        w.beginArray()
        for (documentID, result) in results {
            w.beginObject()
            w.key("document_id"); w.value(documentID)
            switch result {
            case .success(let outcome):
                w.key("success"); w.value(true)
                w.key("data"); SendPayload(outcome: outcome, links: links).writeJSON(&w)
            case .failure(let error):
                let apiError = APIError.from(error) ?? .notFound()
                w.key("success"); w.value(false)
                w.key("error")
                w.beginObject()
                w.key("code"); w.value(apiError.code)
                w.key("message"); w.value(apiError.message)
                w.key("details")
                w.beginArray()
                for detail in apiError.details {
                    w.beginObject()
                    w.key("field"); w.value(detail.field)
                    w.key("code"); w.value(detail.code)
                    w.key("message"); w.value(detail.message)
                    w.endObject()
                }
                w.endArray()
                w.endObject()
            }
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }
}
