import Engage
import Foundation
import Hummingbird

/// Recipient links on the document page (create, revoke) and the printable audit trail.
struct DocumentLinksController {
    let views: ViewRenderer
    let tokens: RecipientLinkService
    let events: DocumentEventService
    let links: PublicLinks

    /// The audit trail page.
    struct TrailPage: PageContext {
        let title: String
        let chrome: PortalChrome?
        let id: Int64
        let number: String
        let verified: Bool
        let brokenEventID: Int64?
        let events: [TrailRow]
        let hasEvents: Bool
        let generatedAt: String
    }

    /// One event with everything kept about it.
    struct TrailRow: Sendable {
        let id: Int64
        let row: DocumentShowPage.EventRow
        let userAgent: String
        let details: String
        let hash: String
        let isBroken: Bool
    }

    func register(on portal: RouterGroup<EngageRequestContext>) {
        portal.post("/documents/:id/links") { request, context in
            let id = try context.id()
            let form = context.form ?? FormData(urlEncoded: "")
            let page: DocumentShowPage
            do {
                let (secret, _) = try await tokens.create(documentID: id, Self.input(form), by: try context.actor(), from: request.client(context))
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
            guard let tokenID = context.parameters.get("token_id", as: Int64.self) else { throw APIError.notFound() }
            try await tokens.revoke(documentID: id, linkID: tokenID, by: try context.actor(), from: request.client(context))
            return Response.redirect(to: "/documents/\(id)?done=link-revoked", type: .normal)
        }
        portal.get("/documents/:id/audit-trail") { _, context in
            let trail = try await events.auditTrail(documentID: try context.id())
            return try views.render("portal/documents/audit-trail", TrailPage(
                title: "Audit trail of \(trail.document.documentNumber)", chrome: PortalChrome(context: context, section: "documents"),
                id: trail.document.id, number: trail.document.documentNumber, verified: trail.verified,
                brokenEventID: trail.firstBrokenEventID,
                events: trail.events.map { event in
                    TrailRow(
                        id: event.id, row: DocumentShowPage.row(event), userAgent: event.userAgent ?? "",
                        details: Self.evidence(event), hash: event.chainHash, isBroken: event.id == trail.firstBrokenEventID)
                },
                hasEvents: !trail.events.isEmpty, generatedAt: ISOTimestamp.string(Date())))
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

    /// The details kept with an event, a drawn signature shown as its digest only.
    private static func evidence(_ event: DocumentEvent) -> String {
        guard var details = event.details else { return "" }
        if details["signature_image"] != nil { details["signature_image"] = .string("(drawn signature, see its SHA-256)") }
        let data = (try? APIResponse.encoder.encode(details)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
