import Engage
import Foundation
import Hummingbird

/// The portal's messaging: a document's Send page with its preview, reminders on or off, the
/// Outbox (list, message, retry) and the message templates (edit with a preview, reset).
struct MessagingController {
    let views: ViewRenderer
    let messaging: MessageServices
    let documents: DocumentService
    let senderName: String

    private static let notices = ["retried": "Queued again: a worker will try it shortly."]
    private static let templateNotices = ["saved": "Template saved: new messages use it.", "reset": "Template reset to the default."]

    func register(on portal: RouterGroup<EngageRequestContext>) {
        portal.get("/documents/:id/send") { _, context in
            let document = try await documents.find(id: try context.id())
            return try await sendPage(document, context, values: Self.defaultValues(document))
        }
        portal.get("/documents/:id/send/preview") { request, context in
            let values = request.formQuery
            do {
                let message = try await messaging.sender.preview(documentID: try context.id(), Self.sendInput(values))
                return Response.messagePreview(message)
            } catch let error as ValidationError {
                return Response.messagePreview(problems: error.fields.map(\.message))
            }
        }
        portal.post("/documents/:id/send") { request, context in
            let id = try context.id()
            let form = context.form ?? FormData(urlEncoded: "")
            do {
                let outcome = try await messaging.sender.send(
                    documentID: id, Self.sendInput(form.values), by: try context.actor(), from: request.client(context))
                return Response.redirect(to: "/documents/\(id)?done=\(outcome.message.channel == .email ? "email-queued" : "sms-queued")", type: .normal)
            } catch let error as ValidationError {
                return try await sendPage(try await documents.find(id: id), context, values: form.values, errors: error)
            }
        }
        portal.post("/documents/:id/reminders") { _, context in
            let id = try context.id()
            let form = context.form ?? FormData(urlEncoded: "")
            let document = try await messaging.sender.setReminders(documentID: id, form.input, by: try context.actor())
            return Response.redirect(to: "/documents/\(id)?done=\(document.remindersEnabled ? "reminders-on" : "reminders-off")", type: .normal)
        }
        portal.get("/outbox") { request, context in
            let parameters = request.queryDictionary
            let query = try OutboxQuery(parameters: parameters)
            let page = try await messaging.outbox.list(query)
            let counts = try await messaging.outbox.counts()
            return try views.render("portal/outbox/index", OutboxPage(
                title: "Outbox", chrome: PortalChrome(context: context, section: "outbox"),
                tabs: [OutboxTab(label: "all", url: "/outbox", count: counts.values.reduce(0, +), current: query.status == nil)]
                    + OutboxStatus.allCases.map { status in
                        OutboxTab(label: status.rawValue, url: "/outbox?status=\(status.rawValue)", count: counts[status] ?? 0, current: query.status == status)
                    },
                rows: page.items.map(OutboxRow.init), hasRows: !page.items.isEmpty,
                pager: Pager(page, path: "/outbox", parameters: query.parameters)))
        }
        portal.get("/outbox/:id") { request, context in
            let message = try await messaging.outbox.find(id: try context.id())
            return try views.render("portal/outbox/show", OutboxMessagePage(
                title: message.subject ?? "Message #\(message.id)", chrome: PortalChrome(context: context, section: "outbox"),
                row: OutboxRow(message), messageID: message.messageID,
                template: "\(message.purpose.rawValue.replacingOccurrences(of: "_", with: " ")) · \(message.language.rawValue)",
                cc: message.cc.joined(separator: ", "),
                text: message.trackingID.map { messaging.links.redacted(message.textBody, trackingID: $0, replacement: "[recipient link]") }
                    ?? message.textBody,
                canRetry: message.status.isRetryable && (try context.actor().role.canWrite),
                notice: request.notice(from: Self.notices)))
        }
        portal.get("/outbox/:id/preview") { _, context in
            let message = try await messaging.outbox.find(id: try context.id())
            let redact = { (text: String) in
                message.trackingID.map { messaging.links.redacted(text, trackingID: $0, replacement: "#recipient-link") } ?? text
            }
            return Response.messagePreview(RenderedMessage(subject: message.subject, text: redact(message.textBody), html: message.htmlBody.map(redact)))
        }
        portal.post("/outbox/:id/retry") { _, context in
            let message = try await messaging.outbox.retry(id: try context.id(), by: try context.actor())
            return Response.redirect(to: "/outbox/\(message.id)?done=retried", type: .normal)
        }
        portal.get("/templates") { request, context in
            let templates = try await messaging.templates.all()
            return try views.render("portal/templates/index", TemplatesPage(
                title: "Message templates", chrome: PortalChrome(context: context, section: "templates"),
                rows: templates.map(TemplateRow.init), notice: request.notice(from: Self.templateNotices)))
        }
        portal.get("/templates/:channel/:purpose/:language") { _, context in
            let key = try context.templateKey()
            let template = try await messaging.templates.template(key)
            return try editPage(key, context, values: ["subject": template.subject ?? "", "body": template.body], template: template)
        }
        portal.get("/templates/:channel/:purpose/:language/preview") { request, context in
            let key = try context.templateKey()
            do {
                let template = try messaging.templates.validated(key, Input(form: request.formQuery))
                return Response.messagePreview(messaging.templates.preview(template, senderName: senderName, links: messaging.links))
            } catch let error as ValidationError {
                return Response.messagePreview(problems: error.fields.map(\.message))
            }
        }
        portal.post("/templates/:channel/:purpose/:language") { _, context in
            let key = try context.templateKey()
            let form = context.form ?? FormData(urlEncoded: "")
            do {
                _ = try await messaging.templates.save(key, form.input, by: try context.actor())
                return Response.redirect(to: "/templates?done=saved", type: .normal)
            } catch let error as ValidationError {
                return try editPage(key, context, values: form.values, template: try await messaging.templates.template(key), errors: error)
            }
        }
        portal.post("/templates/:channel/:purpose/:language/reset") { _, context in
            try await messaging.templates.reset(try context.templateKey(), by: try context.actor())
            return Response.redirect(to: "/templates?done=reset", type: .normal)
        }
    }

    private func sendPage(
        _ document: Document, _ context: EngageRequestContext, values: [String: String], errors: ValidationError? = nil
    ) async throws -> Response {
        let chosen = Set(RecipientAction.allCases.map(\.rawValue).filter { !(values["action_\($0)"] ?? "").isEmpty })
        let previewValues = values.filter { $0.key != "csrf_token" }.sorted { $0.key < $1.key }
        return try views.render("portal/documents/send", SendPage(
            title: "Send \(document.documentNumber)", chrome: PortalChrome(context: context, section: "documents"),
            id: document.id, number: document.documentNumber, documentTitle: document.title, values: values,
            // The link's fields sit beside the others in the form: "token_options.max_uses" shows under max_uses.
            errors: Dictionary((errors?.messagesByField ?? [:]).map { ($0.key.replacingOccurrences(of: "token_options.", with: ""), $0.value) }) { first, _ in first },
            errorList: errors?.fields.map(\.message) ?? [], hasErrors: errors != nil,
            channelOptions: SelectOption.all(MessageChannel.self, selected: values["channel"]),
            templateOptions: SelectOption.all(MessagePurpose.self, selected: values["template"]),
            languageOptions: SelectOption.all(Language.self, selected: values["language"]),
            linkChoices: RecipientAction.allCases.map { DocumentShowPage.ActionChoice(name: $0.rawValue, checked: chosen.contains($0.rawValue)) },
            withLink: values["link"] != "none",
            previewURL: QueryString.url("/documents/\(document.id)/send/preview", previewValues)),
            status: errors == nil ? .ok : .unprocessableContent)
    }

    private func editPage(
        _ key: MessageTemplateService.Key, _ context: EngageRequestContext, values: [String: String], template: MessageTemplate,
        errors: ValidationError? = nil
    ) throws -> Response {
        let path = "/templates/\(key.channel.rawValue)/\(key.purpose.rawValue)/\(key.language.rawValue)"
        return try views.render("portal/templates/edit", TemplateEditPage(
            title: "\(key.purpose.rawValue.replacingOccurrences(of: "_", with: " ")) · \(key.channel.rawValue) · \(key.language.rawValue)",
            chrome: PortalChrome(context: context, section: "templates"), action: path, resetURL: path + "/reset",
            isEmail: key.channel == .email, isCustomized: template.isCustomized, values: values,
            errors: errors?.messagesByField ?? [:], hasErrors: errors != nil,
            placeholders: Placeholders.names.map { "{{\($0)}}" }.joined(separator: " "),
            defaultPath: "Templates/" + MessageTemplateService.defaultPath(key.channel, key.purpose, key.language),
            previewURL: QueryString.url(path + "/preview", [("subject", values["subject"] ?? ""), ("body", values["body"] ?? "")]),
            canWrite: try context.actor().role.canWrite),
            status: errors == nil ? .ok : .unprocessableContent)
    }

    /// The form's fields as the send service reads them: the link choices become `token_options`.
    static func sendInput(_ fields: [String: String]) -> Input {
        let linkFields = ["link", "expires_in_days", "csrf_token"] + RecipientAction.allCases.map { "action_\($0.rawValue)" }
        var input = Input(form: fields.filter { !linkFields.contains($0.key) })
        if fields["link"] == "none" {
            input.values["generate_token"] = .bool(false)
        } else {
            var options: [String: JSONValue] = [
                "allowed_actions": .array(RecipientAction.allCases.map(\.rawValue).filter { !(fields["action_\($0)"] ?? "").isEmpty }.map(JSONValue.string)),
            ]
            if let days = fields["expires_in_days"], !days.trimmingCharacters(in: .whitespaces).isEmpty { options["expires_in_days"] = .string(days) }
            input.values["token_options"] = .object(options)
        }
        return input
    }

    static func defaultValues(_ document: Document) -> [String: String] {
        [
            "channel": "email", "recipient_email": document.recipientEmail ?? "", "recipient_name": document.recipientName ?? "",
            "template": MessagePurpose.notification(for: document.documentType).rawValue, "language": "en", "link": "new",
            "action_view": "on", "action_download": "on", "action_sign": document.documentType == .pennylaneInvoice ? "" : "on",
        ]
    }
}

struct SendPage: PageContext {
    let title: String
    let chrome: PortalChrome?
    let id: Int64
    let number: String
    let documentTitle: String
    let values: [String: String]
    let errors: [String: String]
    let errorList: [String]
    let hasErrors: Bool
    let channelOptions: [SelectOption]
    let templateOptions: [SelectOption]
    let languageOptions: [SelectOption]
    let linkChoices: [DocumentShowPage.ActionChoice]
    let withLink: Bool
    let previewURL: String
}

struct OutboxTab: Sendable {
    let label: String
    let url: String
    let count: Int
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

struct TemplateRow: Sendable {
    let url: String
    let purpose: String
    let channel: String
    let language: String
    let subject: String
    let isCustomized: Bool

    init(_ template: MessageTemplate) {
        url = "/templates/\(template.channel.rawValue)/\(template.purpose.rawValue)/\(template.language.rawValue)"
        purpose = template.purpose.rawValue.replacingOccurrences(of: "_", with: " ")
        channel = template.channel.rawValue
        language = template.language.rawValue
        subject = template.subject ?? String(template.body.prefix(80))
        isCustomized = template.isCustomized
    }
}

struct TemplatesPage: PageContext {
    let title: String
    let chrome: PortalChrome?
    let rows: [TemplateRow]
    let notice: String?
}

struct TemplateEditPage: PageContext {
    let title: String
    let chrome: PortalChrome?
    let action: String
    let resetURL: String
    let isEmail: Bool
    let isCustomized: Bool
    let values: [String: String]
    let errors: [String: String]
    let hasErrors: Bool
    let placeholders: String
    let defaultPath: String
    let previewURL: String
    let canWrite: Bool
}

extension Request {
    /// The query string of a form sent with GET (spaces as `+`), without the CSRF token.
    var formQuery: [String: String] {
        FormData(urlEncoded: uri.query ?? "").values
    }
}

extension Response {
    /// A rendered message for the preview frame: the email's HTML (or an SMS's text) under a policy
    /// of its own — inline styles allowed (emails need them), no script at all, framed by the portal only.
    static func messagePreview(_ message: RenderedMessage) -> Response {
        let html = message.html ?? "<!DOCTYPE html><meta charset=\"utf-8\"><pre style=\"font:15px/1.5 sans-serif;white-space:pre-wrap;margin:16px\">"
            + Self.escapedHTML(message.text) + "</pre>"
        return preview(html)
    }

    /// The preview frame's answer when the form has mistakes.
    static func messagePreview(problems: [String]) -> Response {
        preview("<!DOCTYPE html><meta charset=\"utf-8\"><ul style=\"font:14px sans-serif;color:#b42318\">"
            + problems.map { "<li>\(Self.escapedHTML($0))</li>" }.joined() + "</ul>")
    }

    private static func preview(_ html: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self'; sandbox",
                .xFrameOptions: "SAMEORIGIN",
            ],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    private static func escapedHTML(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
