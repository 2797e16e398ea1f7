import Engage
import Hummingbird

/// `/api/v1/organizations`: list (search, pagination), create, show with contacts and documents, update, delete.
struct OrganizationsAPIController {
    let organizations: OrganizationService
    let collectionURL: String

    /// A company with its contacts and newest documents.
    private struct Details: Encodable {
        let details: OrganizationService.Details

        func encode(to encoder: any Encoder) throws {
            try details.organization.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(details.contacts, forKey: .contacts)
            try container.encode(details.documents, forKey: .documents)
        }
        enum CodingKeys: String, CodingKey { case contacts, documents }
    }

    func register(on api: RouterGroup<EngageRequestContext>) {
        let group = api.group("organizations")
        group.get { request, _ in
            let listing = try ListParameters(request.apiQuery(), filters: [])
            let page = try await organizations.list(search: listing.search, page: listing.page)
            return try APIList(page, url: collectionURL, parameters: listing.parameters).response()
        }
        group.post { request, context in
            let organization = try await organizations.create(try await request.decodeInput(context: context), by: try context.actor())
            var response = try APIResponse.success(organization, status: .created)
            response.headers[.location] = "\(collectionURL)/\(organization.id)"
            return response
        }
        group.get(":id") { _, context in
            try APIResponse.success(Details(details: try await organizations.details(id: try context.id())))
        }
        group.put(":id") { request, context in
            let input = try await request.decodeInput(context: context)
            return try APIResponse.success(try await organizations.update(id: try context.id(), input, by: try context.actor()))
        }
        group.delete(":id") { _, context in
            try await organizations.delete(id: try context.id(), by: try context.actor())
            return Response(status: .noContent)
        }
    }
}
