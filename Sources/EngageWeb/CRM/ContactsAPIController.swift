import Engage
import Hummingbird

/// `/api/v1/contacts`: list (search, organization filter, pagination), create, show, update, delete.
struct ContactsAPIController {
    let contacts: ContactService
    let collectionURL: String

    /// A contact with their newest documents.
    private struct Details: Encodable {
        let details: ContactService.Details

        func encode(to encoder: any Encoder) throws {
            try details.contact.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(details.documents, forKey: .documents)
        }
        enum CodingKeys: String, CodingKey { case documents }
    }

    func register(on api: RouterGroup<EngageRequestContext>) {
        let group = api.group("contacts")
        group.get { request, _ in
            let listing = try ListParameters(request.apiQuery(), filters: ["organization_id"])
            let page = try await contacts.list(search: listing.search, organizationID: listing.ids["organization_id"], page: listing.page)
            return try APIList(page, url: collectionURL, parameters: listing.parameters).response()
        }
        group.post { request, context in
            let contact = try await contacts.create(try await request.decodeInput(context: context), by: try context.actor())
            var response = try APIResponse.success(contact, status: .created)
            response.headers[.location] = "\(collectionURL)/\(contact.id)"
            return response
        }
        group.get(":id") { _, context in
            try APIResponse.success(Details(details: try await contacts.details(id: try context.id())))
        }
        group.put(":id") { request, context in
            let input = try await request.decodeInput(context: context)
            return try APIResponse.success(try await contacts.update(id: try context.id(), input, by: try context.actor()))
        }
        group.delete(":id") { _, context in
            try await contacts.delete(id: try context.id(), by: try context.actor())
            return Response(status: .noContent)
        }
    }
}
