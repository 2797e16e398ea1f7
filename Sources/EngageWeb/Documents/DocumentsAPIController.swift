import Engage
import Foundation
import Hummingbird

/// `/api/v1/document-engagements`: list, create, show, update, delete, restore, stats, and the
/// bulk status change and delete.
struct DocumentsAPIController {
    let documents: DocumentService
    /// The show payload's tokens and recent events.
    let events: DocumentEventService
    /// The absolute URL of the collection, for pagination links.
    let collectionURL: String

    func register(on api: RouterGroup<EngageRequestContext>) {
        let group = api.group("document-engagements")
        group.get { request, _ in
            let query = try DocumentQuery(parameters: request.apiQuery())
            let page = try await documents.list(query)
            var list = APIList(page, url: collectionURL, parameters: query.parameters)
            let next = query.nextCursor(after: page)
            if next != nil || query.cursor != nil {
                list.links.goOn(
                    with: next?.encoded, path: collectionURL, parameters: query.parameters, perPage: query.page.perPage,
                    reachedByCursor: query.cursor != nil)
            }
            return try list.response()
        }
        group.post { request, context in
            let document = try await documents.create(try await request.decodeInput(context: context), by: try context.actor())
            var response = try APIResponse.success(try await events.details(documentID: document.id), status: .created)
            response.headers[.location] = "\(collectionURL)/\(document.id)"
            return response
        }
        group.get("stats") { request, _ in
            try APIResponse.success(try await documents.stats(parameters: request.apiQuery()))
        }
        group.get(":id") { _, context in
            try APIResponse.success(try await events.details(documentID: try context.id()))
        }
        group.put(":id") { request, context in
            let input = try await request.decodeInput(context: context)
            let document = try await documents.update(id: try context.id(), input, by: try context.actor())
            return try APIResponse.success(try await events.details(documentID: document.id))
        }
        group.delete(":id") { _, context in
            try await documents.delete(id: try context.id(), by: try context.actor())
            return Response(status: .noContent)
        }
        group.post("bulk/status") { request, context in
            let results = try await documents.bulkStatus(try await request.decodeInput(context: context), by: try context.actor())
            return try APIResponse.success(BulkPayload(results: results, done: "updated") { document, w in document.writeJSON(&w) })
        }
        group.post("bulk/delete") { request, context in
            let results = try await documents.bulkDelete(try await request.decodeInput(context: context), by: try context.actor())
            return try APIResponse.success(BulkPayload(results: results, done: "deleted") { document, w in document.writeJSON(&w) })
        }
        group.post(":id/restore") { _, context in
            let document = try await documents.restore(id: try context.id(), by: try context.actor())
            return try APIResponse.success(try await events.details(documentID: document.id))
        }
    }
}
