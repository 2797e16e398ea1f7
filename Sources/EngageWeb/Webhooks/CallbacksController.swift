import Engage
import Foundation
import HTTPTypes
import Hummingbird

/// `POST /webhooks/pennylane` and `/webhooks/projectflow`: partners' signed callbacks, kept and
/// acknowledged at once (a worker processes them); and the admins' page of what arrived.
struct CallbacksController {
    let views: ViewRenderer
    let callbacks: IncomingWebhookService

    struct Row: Sendable {
        let source: String
        let event: String
        let eventID: String?
        let verification: String
        let verified: Bool
        let status: String
        let outcome: String?
        let received: String
    }

    struct Page: PageContext {
        let title = "Incoming webhooks"
        let chrome: PortalChrome?
        let rows: [Row]
        let hasRows: Bool
    }

    /// The header each partner signs with.
    static func signatureHeader(_ source: Partner) -> HTTPField.Name {
        switch source {
        case .pennylane: HTTPField.Name("X-Pennylane-Signature")!
        case .projectflow: HTTPField.Name("X-ProjectFlow-Signature")!
        }
    }

    func register(on router: Router<EngageRequestContext>, admin: RouterGroup<EngageRequestContext>) {
        for source in Partner.allCases {
            router.post("/webhooks/\(source.rawValue)") { request, context in
                // Answered as JSON whatever happens: the caller is a machine.
                do {
                    var request = request
                    let body = try await request.collectBody(upTo: context.maxUploadSize)
                    let receipt = try await callbacks.receive(
                        from: source, signature: request.headers[Self.signatureHeader(source)], body: Data(buffer: body))
                    return try APIResponse.success(Acknowledgement(id: receipt.id, duplicate: receipt.duplicate))
                } catch let refused as CallbackRefused {
                    return try APIResponse.failure(APIError(
                        .unauthorized, code: "AUTH_INVALID_SIGNATURE",
                        message: refused.verdict.explanation))
                } catch let malformed as MalformedCallback {
                    return try APIResponse.failure(.invalidJSON(malformed.reason))
                }
            }
        }
        admin.get("/webhooks/incoming") { _, context in
            let rows = try await callbacks.recent(by: try context.actor()).map { callback in
                Row(
                    source: callback.source.rawValue, event: callback.eventType ?? "—", eventID: callback.eventID,
                    verification: callback.verification.rawValue.replacingOccurrences(of: "_", with: " "),
                    verified: callback.verification == .verified, status: callback.status.rawValue, outcome: callback.outcome,
                    received: PortalTime(callback.receivedAt).text)
            }
            return try views.render("portal/webhooks/incoming", Page(
                chrome: PortalChrome(context: context, section: "webhooks"), rows: rows, hasRows: !rows.isEmpty))
        }
    }

    /// `{"id": …, "duplicate": …}`: kept (or already kept), to be processed.
    private struct Acknowledgement: Encodable {
        let id: Int64?
        let duplicate: Bool
    }
}
