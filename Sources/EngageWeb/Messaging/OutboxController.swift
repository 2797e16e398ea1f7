import Engage
import Foundation
import Hummingbird

/// The portal's Outbox: messages by status, one message with a redacted preview, and retry.
struct OutboxController {
    let views: ViewRenderer
    let outbox: OutboxService
    let links: PublicLinks

    private static let notices = ["retried": "Queued again: a worker will try it shortly."]

    func register(on portal: RouterGroup<EngageRequestContext>) {
        portal.get("/outbox") { request, context in
            let parameters = request.queryDictionary
            let query = try OutboxQuery(parameters: parameters)
            let page = try await outbox.list(query)
            let counts = try await outbox.counts()
            return try views.render("portal/outbox/index", OutboxPage(
                title: PortalLocale.current.text("navOutbox"), chrome: PortalChrome(context: context, section: "outbox"),
                tabs: [OutboxTab(label: PortalLocale.current.text("outboxAll"), url: "/outbox", count: PortalLocale.current.count(counts.values.reduce(0, +)), current: query.status == nil)]
                    + OutboxStatus.allCases.map { status in
                        OutboxTab(label: status.label, url: "/outbox?status=\(status.rawValue)", count: PortalLocale.current.count(counts[status] ?? 0), current: query.status == status)
                    },
                rows: page.items.map(OutboxRow.init), hasRows: !page.items.isEmpty,
                pager: Pager(page, path: "/outbox", parameters: query.parameters)))
        }
        portal.get("/outbox/:id") { request, context in
            let message = try await outbox.find(id: try context.id())
            return try views.render("portal/outbox/show", OutboxMessagePage(
                title: message.subject ?? "Message #\(message.id)", chrome: PortalChrome(context: context, section: "outbox"),
                row: OutboxRow(message), messageID: message.messageID,
                template: "\(message.purpose.rawValue.replacingOccurrences(of: "_", with: " ")) · \(message.language.rawValue)",
                cc: message.cc.joined(separator: ", "),
                text: message.trackingID.map { links.redacted(message.textBody, trackingID: $0, replacement: "[recipient link]") }
                    ?? message.textBody,
                canRetry: message.status.isRetryable && (try context.actor().role.canWrite),
                notice: request.notice(from: Self.notices)))
        }
        portal.get("/outbox/:id/preview") { _, context in
            let message = try await outbox.find(id: try context.id())
            let redact = { (text: String) in
                message.trackingID.map { links.redacted(text, trackingID: $0, replacement: "#recipient-link") } ?? text
            }
            return Response.messagePreview(RenderedMessage(subject: message.subject, text: redact(message.textBody), html: message.htmlBody.map(redact)))
        }
        portal.post("/outbox/:id/retry") { _, context in
            let message = try await outbox.retry(id: try context.id(), by: try context.actor())
            return Response.redirect(to: "/outbox/\(message.id)?done=retried", type: .normal)
        }
    }
}

struct OutboxTab: Sendable {
    let label: String
    let url: String
    /// As the reader writes it ("1,250").
    let count: String
    let current: Bool
}

struct OutboxPage: PageContext {
    let title: String
    let chrome: PortalChrome?
    let tabs: [OutboxTab]
    let rows: [OutboxRow]
    let hasRows: Bool
    let pager: Pager
}

struct OutboxMessagePage: PageContext {
    let title: String
    let chrome: PortalChrome?
    let row: OutboxRow
    let messageID: String
    let template: String
    let cc: String
    /// The plain-text part with the recipient's link hidden.
    let text: String
    let canRetry: Bool
    let notice: String?
}
