import Engage
import Foundation
import Hummingbird

/// Recipient links on the document page: create (shown whole once) and revoke.
struct DocumentLinksController {
    let views: ViewRenderer
    let linkService: RecipientLinkService
    /// The document page shown again after a create.
    let events: DocumentEventService
    let links: PublicLinks

    func register(on portal: RouterGroup<EngageRequestContext>) {
        portal.post("/documents/:id/links") { request, context in
            let id = try context.id()
            let form = context.form ?? FormData(urlEncoded: "")
            let page: DocumentShowPage
            do {
                let (secret, _) = try await linkService.create(documentID: id, Self.input(form), by: try context.actor(), from: request.client(context))
                page = try DocumentShowPage(
                    details: try await events.details(documentID: id, recent: DocumentShowPage.timelineLength), context: context,
                    notice: "Link created. Copy it now: it is shown only this once.", newLink: links.page(secret))
            } catch let error as ValidationError {
                page = try DocumentShowPage(
                    details: try await events.details(documentID: id, recent: DocumentShowPage.timelineLength), context: context,
                    linkErrors: error, linkValues: form.values)
                return try views.render("portal/documents/show", page, status: .unprocessableContent)
            }
            return try views.render("portal/documents/show", page)
        }
        portal.post("/documents/:id/links/:token_id/revoke") { request, context in
            let id = try context.id()
            let tokenID = try context.id("token_id")
            try await linkService.revoke(documentID: id, linkID: tokenID, by: try context.actor(), from: request.client(context))
            return Response.redirect(to: "/documents/\(id)?done=link-revoked", type: .normal)
        }
    }

    /// The form's fields as the service reads them: one checkbox per action becomes `allowed_actions`.
    private static func input(_ form: FormData) -> Input {
        var fields = form.values.filter { !$0.key.hasPrefix("action_") }
        fields["allowed_actions"] = RecipientAction.allCases.map(\.rawValue).filter { !form["action_\($0)"].isEmpty }.joined(separator: ",")
        // An empty expiry means the default, not "never": absent rather than null.
        if fields["expires_in_days"]?.isEmpty == true { fields["expires_in_days"] = nil }
        return Input(form: fields)
    }
}
