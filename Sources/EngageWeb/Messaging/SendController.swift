import Engage
import Foundation
import Hummingbird

/// The portal's Send page of a document, with its live preview, and the reminders switch; the
/// same `SendService` as the API's send.
struct SendController {
    let views: ViewRenderer
    let sender: SendService
    let documents: DocumentService

    func register(on portal: RouterGroup<EngageRequestContext>) {
        portal.get("/documents/:id/send") { _, context in
            let document = try await documents.find(id: try context.id())
            return try await sendPage(document, context, values: Self.defaultValues(document))
        }
        portal.get("/documents/:id/send/preview") { request, context in
            let values = request.formQuery
            do {
                let message = try await sender.preview(documentID: try context.id(), Self.sendInput(values))
                return Response.messagePreview(message)
            } catch let error as ValidationError {
                return Response.messagePreview(problems: error.messages)
            }
        }
        portal.post("/documents/:id/send") { request, context in
            let id = try context.id()
            let form = context.form ?? FormData(urlEncoded: "")
            do {
                let outcome = try await sender.send(
                    documentID: id, Self.sendInput(form.values), by: try context.actor(), from: request.client(context))
                return Response.redirect(to: "/documents/\(id)?done=\(outcome.message.channel == .email ? "email-queued" : "sms-queued")", type: .normal)
            } catch let error as ValidationError {
                return try await sendPage(try await documents.find(id: id), context, values: form.values, errors: error)
            }
        }
        portal.post("/documents/:id/reminders") { _, context in
            let id = try context.id()
            let form = context.form ?? FormData(urlEncoded: "")
            let document = try await sender.setReminders(documentID: id, form.input, by: try context.actor())
            return Response.redirect(to: "/documents/\(id)?done=\(document.remindersEnabled ? "reminders-on" : "reminders-off")", type: .normal)
        }
    }

    private func sendPage(
        _ document: Document, _ context: EngageRequestContext, values: [String: String], errors: ValidationError? = nil
    ) async throws -> Response {
        let chosen = Set(RecipientAction.allCases.map(\.rawValue).filter { !(values["action_\($0)"] ?? "").isEmpty })
        let previewValues = values.filter { $0.key != "csrf_token" }.sorted { $0.key < $1.key }
        return try views.render("portal/documents/send", SendPage(
            title: "\(PortalLocale.current.text("send")) \(document.documentNumber)", chrome: PortalChrome(context: context, section: "documents"),
            id: document.id, number: document.documentNumber, documentTitle: document.title, values: values,
            // The link's fields sit beside the others in the form: "token_options.max_uses" shows under max_uses.
            errors: Dictionary((errors?.messagesByField ?? [:]).map { ($0.key.replacingOccurrences(of: "token_options.", with: ""), $0.value) }) { first, _ in first },
            errorList: errors?.messages ?? [], hasErrors: errors != nil,
            channelOptions: SelectOption.named(MessageChannel.allCases, selected: values["channel"]),
            templateOptions: SelectOption.named(MessagePurpose.sendable, selected: values["template"]),
            languageOptions: Language.allCases.map { SelectOption(value: $0.rawValue, label: $0.name, selected: values["language"] == $0.rawValue) },
            linkChoices: RecipientAction.allCases.map { DocumentShowPage.ActionChoice($0, checked: chosen.contains($0.rawValue)) },
            verifyOptions: SelectOption.identityChecks(selected: values["verify"]),
            withLink: values["link"] != "none",
            previewURL: QueryString.url("/documents/\(document.id)/send/preview", previewValues)),
            status: errors == nil ? .ok : .unprocessableContent)
    }

    /// The form's fields as the send service reads them: the link choices become `token_options`.
    static func sendInput(_ fields: [String: String]) -> Input {
        let linkFields = ["link", "expires_in_days", "verify", "csrf_token"] + RecipientAction.allCases.map { "action_\($0.rawValue)" }
        var input = Input(form: fields.filter { !linkFields.contains($0.key) })
        if fields["link"] == "none" {
            input.values["generate_token"] = .bool(false)
        } else {
            var options: [String: JSONValue] = [
                "allowed_actions": .array(RecipientAction.allCases.map(\.rawValue).filter { !(fields["action_\($0)"] ?? "").isEmpty }.map(JSONValue.string)),
            ]
            for field in ["expires_in_days", "verify"] {
                if let value = fields[field], !value.trimmingCharacters(in: .whitespaces).isEmpty { options[field] = .string(value) }
            }
            input.values["token_options"] = .object(options)
        }
        return input
    }

    /// The form as it opens: the document's recipient, and the link's actions the API would default to.
    static func defaultValues(_ document: Document) -> [String: String] {
        var values = [
            "channel": "email", "recipient_email": document.recipientEmail ?? "", "recipient_name": document.recipientName ?? "",
            "template": MessagePurpose.notification(for: document.documentType).rawValue, "language": "en", "link": "new",
        ]
        for action in RecipientLinkService.defaultSendActions(for: document) { values["action_\(action.rawValue)"] = "on" }
        return values
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
    let verifyOptions: [SelectOption]
    let withLink: Bool
    let previewURL: String
}
