import Engage
import Foundation
import Hummingbird

/// `/api/v1/document-engagements/{id}/parties`: list (GET), add one (POST), replace all (PUT
/// `{parties}`), remove all (DELETE), and `/parties/{party}` (its id, email or name): show, change,
/// remove; the flow: `/parties/send`, `/parties/renotify`, `/parties/{party}/renotify`,
/// `/parties/{party}/transfer`, and the document's `/status` (`?party=`).
struct PartiesAPIController {
    let parties: PartyService
    let flow: PartyFlowService

    func register(on api: RouterGroup<EngageRequestContext>) {
        let group = api.group("document-engagements/:id/parties")
        group.get { _, context in
            try APIResponse.success(try await parties.list(documentID: try context.id()))
        }
        group.post { request, context in
            let party = try await parties.add(documentID: try context.id(), try await request.decodeInput(context: context), by: try context.actor())
            return try APIResponse.success(party, status: .created)
        }
        group.put { request, context in
            try APIResponse.success(
                try await parties.replace(documentID: try context.id(), try await request.decodeInput(context: context), by: try context.actor()))
        }
        group.delete { _, context in
            _ = try await parties.replace(documentID: try context.id(), Input(["parties": .array([])]), by: try context.actor())
            return Response(status: .noContent)
        }
        group.post("send") { request, context in
            try APIResponse.success(try await flow.start(
                documentID: try context.id(), try await request.decodeInput(context: context, optional: true), by: try context.actor(), from: request.client(context)))
        }
        group.post("renotify") { request, context in
            try APIResponse.success(try await flow.renotify(
                documentID: try context.id(), party: nil, try await request.decodeInput(context: context, optional: true), by: try context.actor(),
                from: request.client(context)))
        }
        group.post(":party/renotify") { request, context in
            try APIResponse.success(try await flow.renotify(
                documentID: try context.id(), party: try Self.party(context), try await request.decodeInput(context: context, optional: true),
                by: try context.actor(), from: request.client(context)))
        }
        group.post(":party/transfer") { request, context in
            try APIResponse.success(try await flow.transfer(
                documentID: try context.id(), party: try Self.party(context), try await request.decodeInput(context: context),
                by: try context.actor(), from: request.client(context)))
        }
        api.get("document-engagements/:id/status") { request, context in
            try APIResponse.success(try await flow.status(documentID: try context.id(), parameters: try request.apiQuery()))
        }
        group.get(":party") { _, context in
            let key = try Self.party(context)
            return try APIResponse.success(try PartyService.find(key, in: try await parties.list(documentID: try context.id())))
        }
        group.put(":party") { request, context in
            let input = try await request.decodeInput(context: context)
            return try APIResponse.success(
                try await parties.update(documentID: try context.id(), party: try Self.party(context), input, by: try context.actor()))
        }
        group.delete(":party") { _, context in
            try await parties.remove(documentID: try context.id(), party: try Self.party(context), by: try context.actor())
            return Response(status: .noContent)
        }
    }

    /// The `{party}` of the path, percent-decoded (a name has spaces, an email may have a plus).
    private static func party(_ context: EngageRequestContext) throws -> String {
        let raw = try context.parameters.require("party")
        return raw.removingPercentEncoding ?? raw
    }
}
