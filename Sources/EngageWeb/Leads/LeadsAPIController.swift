import Engage
import Hummingbird

/// `/api/v1/leads` and `/api/v1/lead-fields`: the delayed sync (one, or a batch of up to 1,000),
/// its status, the leads themselves, conversion into contacts, and the custom fields.
struct LeadsAPIController {
    let syncs: LeadSyncService
    let leads: LeadService
    let apiURL: String

    func register(on api: RouterGroup<EngageRequestContext>) {
        let group = api.group("leads")
        group.post("sync") { request, context in
            let id = try await syncs.accept(try await request.decodeInput(context: context), by: try context.actor())
            var response = APIResponse.written(Accepted(id: id), status: .accepted)
            response.headers[.location] = "\(apiURL)/leads/sync/\(id)"
            return response
        }
        group.post("sync/batch") { request, context in
            let items = try Self.batchItems(try await request.decodeInput(context: context))
            let results = try await syncs.acceptBatch(items, by: try context.actor())
            return APIResponse.written(BulkPayload(indexed: results, done: "accepted") { id, w in Accepted(id: id).writeJSON(&w) }, status: .accepted)
        }
        group.get("sync/:id") { _, context in
            try APIResponse.success(try await syncs.status(id: try context.id()))
        }
        group.get { request, _ in
            let query = try LeadQuery(request.apiQuery())
            return try APIList(try await leads.list(query), url: apiURL + "/leads", parameters: query.parameters).response()
        }
        group.get(":id") { _, context in
            APIResponse.written(Details(details: try await leads.details(id: try context.id())))
        }
        group.put(":id") { request, context in
            let input = try await request.decodeInput(context: context)
            return try APIResponse.success(try await leads.update(id: try context.id(), input, by: try context.actor()))
        }
        group.delete(":id") { _, context in
            try await leads.delete(id: try context.id(), by: try context.actor())
            return Response(status: .noContent)
        }
        group.post(":id/convert") { _, context in
            try APIResponse.success(try await leads.convert(id: try context.id(), by: try context.actor()))
        }
        api.get("lead-fields") { request, _ in
            let page = try PageRequest(parameters: request.apiQuery())
            return try APIList(Page(slicing: try await leads.fields(), request: page), url: apiURL + "/lead-fields", parameters: []).response()
        }
    }

    /// A queued sync: its id and where to follow it.
    private struct Accepted: JSONWritable {
        let id: Int64

        func writeJSON(_ w: inout JSONWriter) {
            w.beginObject()
            w.key("id"); w.value(id)
            w.key("status"); w.value("queued")
            w.endObject()
        }
    }

    /// A lead with its history.
    private struct Details: JSONWritable {
        let details: LeadService.Details

        func writeJSON(_ w: inout JSONWriter) {
            w.beginObject()
            details.lead.writeMembers(&w)
            w.key("history")
            w.beginArray()
            for sync in details.history { sync.writeJSON(&w) }
            w.endArray()
            w.endObject()
        }
    }

    /// The `leads` of a batch body: 1 to 1,000 objects, each read as one sync.
    static func batchItems(_ input: Input) throws -> [Input] {
        let unknown = input.values.keys.filter { $0 != "leads" }.sorted()
        var problems = unknown.map { ValidationError.FieldError(field: $0, code: .unknownField, message: "\($0) is not a field that can be set here.") }
        var items: [Input] = []
        switch input.values["leads"] {
        case .array(let list)? where list.isEmpty:
            problems.append(.init(field: "leads", code: .required, message: "leads must hold at least one sync."))
        case .array(let list)? where list.count > LeadSyncService.maximumBatch:
            problems.append(.init(field: "leads", code: .tooLong, message: "leads may hold at most \(LeadSyncService.maximumBatch) syncs; send the rest in another batch."))
        case .array(let list)?:
            // An item that is not an object is refused on its own, as an empty sync would be.
            items = list.map { if case .object(let fields) = $0 { Input(fields) } else { Input(["leadInfo": $0]) } }
        case let value?:
            problems.append(.init(field: "leads", code: .invalidFormat, message: "leads must be an array of syncs, not \(value.typeName)."))
        case nil:
            problems.append(.init(field: "leads", code: .required, message: "leads is required: an array of syncs."))
        }
        if !problems.isEmpty { throw ValidationError(fields: problems) }
        return items
    }
}
