import Engage
import Foundation
import Hummingbird

/// The Parties panel's forms on the document page: add, change and remove a party, send the document to
/// its parties, send one its link again, hand one to someone else. Each calls the service the
/// API calls; a refusal shows the page again with the reason and the typed values.
struct PartiesController {
    let views: ViewRenderer
    let parties: PartyService
    let flow: PartyFlowService
    let events: DocumentEventService

    func register(on portal: RouterGroup<EngageRequestContext>) {
        portal.post("/documents/:id/parties") { request, context in
            let id = try context.id()
            let form = Self.fields(context)
            return try await attempt(id, context, values: form) {
                _ = try await parties.add(documentID: id, Input(form: form), by: try context.actor())
                return Response.redirect(to: "/documents/\(id)?done=party-added#parties", type: .normal)
            }
        }
        portal.post("/documents/:id/parties/send") { request, context in
            let id = try context.id()
            return try await attempt(id, context) {
                let sent = try await flow.start(documentID: id, Input(form: [:]), by: try context.actor(), from: request.client(context))
                let told = sent.filter { $0.messageID != nil }.count
                return try await page(
                    id, context, notice: "Sent: \(told) \(told == 1 ? "party" : "parties") notified; the others are told when their turn comes.",
                    newLinks: sent.compactMap { dispatch in dispatch.url.map { .init(partyID: dispatch.party.id, name: dispatch.party.name, url: $0) } })
            }
        }
        portal.post("/documents/:id/parties/:party/renotify") { request, context in
            let id = try context.id()
            return try await attempt(id, context) {
                _ = try await flow.renotify(
                    documentID: id, party: String(try context.id("party")), Input(form: [:]), by: try context.actor(), from: request.client(context))
                return Response.redirect(to: "/documents/\(id)?done=party-notified#parties", type: .normal)
            }
        }
        portal.post("/documents/:id/parties/:party/transfer") { request, context in
            let id = try context.id()
            let form = Self.fields(context)
            return try await attempt(id, context, values: form) {
                let moved = try await flow.transfer(
                    documentID: id, party: String(try context.id("party")), Input(form: form), by: try context.actor(), from: request.client(context))
                guard moved.transferred == true, let url = moved.url else {
                    return try await page(id, context, notice: "Nothing to transfer: the address is the same, or the party is not waiting for its turn.")
                }
                return try await page(id, context, notice: "Transferred to \(moved.party.name): the old link no longer opens.", newLinks: [.init(partyID: moved.party.id, name: moved.party.name, url: url)])
            }
        }
        portal.post("/documents/:id/parties/:party/edit") { _, context in
            let id = try context.id()
            let form = Self.fields(context)
            return try await attempt(id, context) {
                do {
                    _ = try await parties.update(documentID: id, party: String(try context.id("party")), Input(form: form), by: try context.actor())
                } catch let refusal as ValidationError {
                    // The row's form is folded away: its problems are told above the steps, all at once.
                    throw ValidationError(fields: [.init(
                        field: "party", code: .invalidValue,
                        message: "\(form["name"] ?? "The party") was not saved: " + refusal.messages.joined(separator: " "))])
                }
                return Response.redirect(to: "/documents/\(id)?done=party-changed#parties", type: .normal)
            }
        }
        portal.post("/documents/:id/parties/:party/remove") { _, context in
            let id = try context.id()
            return try await attempt(id, context) {
                try await parties.remove(documentID: id, party: String(try context.id("party")), by: try context.actor())
                return Response.redirect(to: "/documents/\(id)?done=party-removed#parties", type: .normal)
            }
        }
    }

    /// Runs `body`; a refusal the API would explain shows the page again with it, in the panel.
    private func attempt(
        _ id: Int64, _ context: EngageRequestContext, values: [String: String] = [:], _ body: () async throws -> Response
    ) async throws -> Response {
        do {
            return try await body()
        } catch let error as ValidationError {
            return try await page(id, context, errors: error, values: values, status: .unprocessableContent)
        } catch {
            guard let apiError = APIError.from(error), apiError.status != .internalServerError, apiError.status != .notFound || error is PartyNotFound
            else { throw error }
            let refusal = ValidationError(fields: [.init(field: "party", code: .invalidValue, message: apiError.message)])
            return try await page(id, context, errors: refusal, status: apiError.status)
        }
    }

    private func page(
        _ id: Int64, _ context: EngageRequestContext, notice: String? = nil, newLinks: [PartiesPanel.NewLink] = [],
        errors: ValidationError? = nil, values: [String: String] = [:], status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let details = try await events.details(documentID: id, recent: DocumentShowPage.timelineLength)
        return try views.render("portal/documents/show", try DocumentShowPage(
            details: details, context: context, notice: notice, newPartyLinks: newLinks, partyErrors: errors, partyValues: values), status: status)
    }

    /// The form's fields but its CSRF token.
    private static func fields(_ context: EngageRequestContext) -> [String: String] {
        (context.form ?? FormData(urlEncoded: "")).values
    }
}
