import Engage
import Hummingbird

/// `/api/v1/document-engagements/{id}/tokens`: create, list and revoke recipients' links.
struct RecipientLinksAPIController {
    let linkService: RecipientLinkService
    let links: PublicLinks

    func register(on api: RouterGroup<EngageRequestContext>) {
        let group = api.group("document-engagements/:id/tokens")
        group.post { request, context in
            let (secret, token) = try await linkService.create(
                documentID: try context.id(), try await request.decodeInput(context: context), by: try context.actor(),
                from: request.client(context))
            return try APIResponse.success(links.created(token, secret: secret), status: .created)
        }
        group.get { _, context in
            try APIResponse.success(try await linkService.list(documentID: try context.id()))
        }
        group.delete(":token_id") { request, context in
            let tokenID = try context.id("token_id")
            try await linkService.revoke(documentID: try context.id(), linkID: tokenID, by: try context.actor(), from: request.client(context))
            return Response(status: .noContent)
        }
    }
}
