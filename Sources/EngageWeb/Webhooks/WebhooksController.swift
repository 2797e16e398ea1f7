import Engage
import Foundation
import Hummingbird

/// The admin's Webhooks pages: endpoints with their health, one endpoint with its deliveries, and
/// one delivery as it was sent and answered; create, test, rotate the secret, enable, replay.
struct WebhooksController {
    let views: ViewRenderer
    let webhooks: WebhookService

    private static let notices = [
        "tested": "A webhook.test event is queued; it appears below once sent.",
        "updated": "Saved.", "replayed": "Queued again with the same webhook-id.", "deleted": "Endpoint deleted.",
        "enabled": "Enabled: deliveries start again.", "disabled": "Disabled: nothing is sent until it is enabled again.",
    ]

    struct EndpointRow: Sendable {
        let id: Int64
        let url: String
        let description: String?
        let events: String
        let enabled: Bool
        let disabledReason: String?
        /// Nil while the endpoint answers (Mustache reads an empty text as true).
        let failingSince: String?
        let lastSuccess: String
        let delivered: Int
        let retrying: Int
        let failed: Int

        init(_ endpoint: WebhookEndpoint) {
            id = endpoint.id
            url = endpoint.url
            description = endpoint.description
            events = endpoint.events == ["*"] ? "all (*)" : endpoint.events.joined(separator: ", ")
            enabled = endpoint.enabled
            disabledReason = endpoint.disabledReason
            failingSince = endpoint.failingSince.map { PortalTime($0).text }
            lastSuccess = endpoint.lastSuccessAt.map { PortalTime($0).text } ?? "never"
            delivered = endpoint.statistics.delivered
            retrying = endpoint.statistics.retrying + endpoint.statistics.queued
            failed = endpoint.statistics.failed
        }
    }

    struct EventChoice: Sendable {
        let name: String
        let checked: Bool
    }

    struct IndexPage: PageContext {
        let title = PortalLocale.current.text("navWebhooks")
        let chrome: PortalChrome?
        let rows: [EndpointRow]
        let hasRows: Bool
        let disabled: [EndpointRow]
        let notice: String?
        let newSecret: String?
        let errors: [String: String]
        let url: String
        let description: String
        let allEvents: Bool
        let events: [EventChoice]
    }

    struct DeliveryRow: Sendable {
        let id: Int64
        let event: String
        let status: String
        let isFailed: Bool
        let attempts: Int
        let code: String
        let error: String?
        let created: String
    }

    struct ShowPage: PageContext {
        let title: String
        let chrome: PortalChrome?
        let endpoint: EndpointRow
        let previousSecretUntil: String?
        let newSecret: String?
        let notice: String?
        let deliveries: [DeliveryRow]
        let hasDeliveries: Bool
        let pager: Pager
    }

    struct AttemptRow: Sendable {
        let attempt: Int
        let sent: String
        let duration: Int
        let timestamp: Int64
        let signature: String
        let code: String
        let headers: String?
        let body: String?
        let error: String?
    }

    struct DeliveryPage: PageContext {
        let title: String
        let chrome: PortalChrome?
        let endpointID: Int64
        let url: String
        let delivery: DeliveryRow
        let messageID: String
        let canReplay: Bool
        let body: String
        let attempts: [AttemptRow]
        let hasAttempts: Bool
    }

    func register(on admin: RouterGroup<EngageRequestContext>) {
        admin.get("/webhooks") { request, context in
            try await index(context, notice: request.notice(from: Self.notices))
        }
        admin.post("/webhooks") { _, context in
            let form = context.form ?? FormData(urlEncoded: "")
            let input = Self.endpointInput(form)
            do {
                let created = try await webhooks.create(input, by: try context.actor())
                // Rendered, not redirected: the secret is shown this once.
                return try await show(context, id: created.endpoint.id, newSecret: created.secret)
            } catch let error as ValidationError {
                return try await index(context, errors: error.messagesByField, form: form, status: .unprocessableContent)
            }
        }
        admin.get("/webhooks/:id") { request, context in
            let page = try PageRequest(parameters: request.queryDictionary.filter { $0.key != "done" })
            return try await show(context, id: try context.id(), page: page, notice: request.notice(from: Self.notices))
        }
        admin.post("/webhooks/:id/test") { _, context in
            let id = try context.id()
            _ = try await webhooks.test(id: id, by: try context.actor())
            return Response.redirect(to: "/webhooks/\(id)?done=tested")
        }
        admin.post("/webhooks/:id/rotate-secret") { _, context in
            let id = try context.id()
            let rotated = try await webhooks.rotateSecret(id: id, by: try context.actor())
            return try await show(context, id: id, newSecret: rotated.secret)
        }
        admin.post("/webhooks/:id/enabled") { _, context in
            let id = try context.id()
            let form = context.form ?? FormData(urlEncoded: "")
            let enable = form["enabled"] == "true"
            var values = ["enabled": enable ? "true" : "false"]
            if form["replay_missed"] == "true" { values["replay_missed"] = "true" }
            _ = try await webhooks.update(id: id, Input(form: values), by: try context.actor())
            return Response.redirect(to: "/webhooks/\(id)?done=\(enable ? "enabled" : "disabled")")
        }
        admin.post("/webhooks/:id/delete") { _, context in
            try await webhooks.delete(id: try context.id(), by: try context.actor())
            return Response.redirect(to: "/webhooks?done=deleted")
        }
        admin.get("/webhooks/:id/deliveries/:delivery_id") { _, context in
            let id = try context.id()
            let deliveryID = try context.id("delivery_id")
            let endpoint = try await webhooks.find(id: id, by: try context.actor())
            let found = try await webhooks.delivery(id: id, deliveryID: deliveryID, by: try context.actor())
            return try views.render("portal/webhooks/delivery", DeliveryPage(
                title: "\(found.delivery.eventType) · delivery #\(deliveryID)", chrome: PortalChrome(context: context, section: "webhooks"),
                endpointID: id, url: endpoint.url, delivery: Self.row(found.delivery), messageID: found.delivery.messageID,
                canReplay: [.delivered, .failed].contains(found.delivery.status), body: Self.pretty(found.body),
                attempts: found.attempts.reversed().map(Self.row), hasAttempts: !found.attempts.isEmpty))
        }
        admin.post("/webhooks/:id/deliveries/:delivery_id/replay") { _, context in
            let id = try context.id()
            let deliveryID = try context.id("delivery_id")
            _ = try await webhooks.replay(id: id, deliveryID: deliveryID, by: try context.actor())
            return Response.redirect(to: "/webhooks/\(id)?done=replayed")
        }
    }

    /// The create form's fields as the service reads them: "all events" or the ticked ones.
    private static func endpointInput(_ form: FormData) -> Input {
        var input = Input(form: ["url": form["url"], "description": form["description"]])
        let ticked = WebhookEventType.subscribable.map(\.rawValue).filter { !form["event_\($0)"].isEmpty }
        input.values["events"] = .array((form["all_events"].isEmpty ? ticked : ["*"]).map(JSONValue.string))
        return input
    }

    private func index(
        _ context: EngageRequestContext, notice: String? = nil, errors: [String: String] = [:], form: FormData? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let rows = try await webhooks.list(by: try context.actor()).map(EndpointRow.init)
        let allEvents = form.map { !$0["all_events"].isEmpty } ?? true
        return try views.render("portal/webhooks/index", IndexPage(
            chrome: PortalChrome(context: context, section: "webhooks"), rows: rows, hasRows: !rows.isEmpty,
            disabled: rows.filter { !$0.enabled }, notice: notice, newSecret: nil, errors: errors,
            url: form?["url"] ?? "", description: form?["description"] ?? "", allEvents: allEvents,
            events: WebhookEventType.subscribable.map { EventChoice(name: $0.rawValue, checked: !(form?["event_\($0.rawValue)"] ?? "").isEmpty) }),
            status: status)
    }

    private func show(
        _ context: EngageRequestContext, id: Int64, page: PageRequest = PageRequest(), newSecret: String? = nil, notice: String? = nil
    ) async throws -> Response {
        let actor = try context.actor()
        let endpoint = try await webhooks.find(id: id, by: actor)
        let deliveries = try await webhooks.deliveries(id: id, page: page, by: actor)
        return try views.render("portal/webhooks/show", ShowPage(
            title: endpoint.url, chrome: PortalChrome(context: context, section: "webhooks"), endpoint: EndpointRow(endpoint),
            previousSecretUntil: endpoint.previousSecretUntil.map { PortalTime($0).text }, newSecret: newSecret, notice: notice,
            deliveries: deliveries.items.map(Self.row), hasDeliveries: !deliveries.items.isEmpty,
            pager: Pager(deliveries, path: "/webhooks/\(id)", parameters: [])))
    }

    private static func row(_ delivery: WebhookDelivery) -> DeliveryRow {
        DeliveryRow(
            id: delivery.id, event: delivery.eventType, status: delivery.status.label, isFailed: delivery.status == .failed,
            attempts: delivery.attempts, code: delivery.lastStatusCode.map(String.init) ?? "—", error: delivery.lastError,
            created: PortalTime(delivery.createdAt).text)
    }

    private static func row(_ attempt: WebhookAttempt) -> AttemptRow {
        AttemptRow(
            attempt: attempt.attempt, sent: PortalTime(attempt.sentAt).text, duration: attempt.durationMilliseconds,
            timestamp: attempt.signedTimestamp, signature: attempt.signature, code: attempt.statusCode.map(String.init) ?? "no answer",
            headers: attempt.responseHeaders.map { $0.trimmingWhitespace() }.flatMap { $0.isEmpty ? nil : $0 },
            body: attempt.responseBody.flatMap { $0.isEmpty ? nil : $0 }, error: attempt.error)
    }

    /// The body indented for reading (it was sent compact).
    private static func pretty(_ body: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)),
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        else { return body }
        return String(decoding: data, as: UTF8.self)
    }
}
