import Engage
import Foundation
import Hummingbird

/// `/api/v1/document-engagements/{id}/events` and `/audit-trail`.
struct DocumentEventsAPIController {
    let events: DocumentEventService
    /// The absolute URL of the API, for pagination links.
    let apiURL: String

    func register(on api: RouterGroup<EngageRequestContext>) {
        let group = api.group("document-engagements/:id")
        group.get("events") { request, context in
            let id = try context.id()
            let query = try EventQuery(parameters: request.apiQuery())
            return try APIList(
                try await events.list(documentID: id, query), url: "\(apiURL)/document-engagements/\(id)/events",
                parameters: query.parameters
            ).response()
        }
        group.get("audit-trail") { request, context in
            let page = try PageRequest(parameters: request.apiQuery())
            return try APIResponse.success(AuditTrailPayload(trail: try await events.auditTrail(documentID: try context.id(), page: page)))
        }
    }
}

/// The audit trail as JSON: the document's identity, the verdict over the whole chain, and one page
/// of its events oldest first (`page`, `per_page`, `total_events`).
struct AuditTrailPayload: JSONWritable {
    let trail: AuditTrail

    func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.key("document_id"); w.value(trail.document.id)
        w.key("document_number"); w.value(trail.document.documentNumber)
        w.key("verified"); w.value(trail.verified)
        w.key("first_broken_event_id"); w.value(trail.firstBrokenEventID)
        w.key("page"); w.value(trail.page.page)
        w.key("per_page"); w.value(trail.page.perPage)
        w.key("total_events"); w.value(trail.total)
        w.key("events")
        w.beginArray()
        for event in trail.events { event.writeJSON(&w) }
        w.endArray()
        w.endObject()
    }
}
