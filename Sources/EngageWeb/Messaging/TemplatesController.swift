import Engage
import Foundation
import Hummingbird

/// The portal's message templates: the list, an editor with a preview, and reset to the default.
struct TemplatesController {
    let views: ViewRenderer
    let templates: MessageTemplateService
    let links: PublicLinks
    let senderName: String

    private static let notices = ["saved": "Template saved: new messages use it.", "reset": "Template reset to the default."]

    func register(on portal: RouterGroup<EngageRequestContext>) {
        portal.get("/templates") { request, context in
            let templates = try await templates.all()
            return try views.render("portal/templates/index", TemplatesPage(
                title: PortalLocale.current.text("messageTemplates"), chrome: PortalChrome(context: context, section: "templates"),
                rows: templates.map(TemplateRow.init), notice: request.notice(from: Self.notices)))
        }
        portal.get("/templates/:channel/:purpose/:language") { _, context in
            let key = try context.templateKey()
            let template = try await templates.template(key)
            return try editPage(key, context, values: ["subject": template.subject ?? "", "body": template.body], template: template)
        }
        portal.get("/templates/:channel/:purpose/:language/preview") { request, context in
            let key = try context.templateKey()
            do {
                let template = try templates.validated(key, Input(form: request.formQuery))
                return Response.messagePreview(templates.preview(template, senderName: senderName, links: links))
            } catch let error as ValidationError {
                return Response.messagePreview(problems: error.messages)
            }
        }
        portal.post("/templates/:channel/:purpose/:language") { _, context in
            let key = try context.templateKey()
            let form = context.form ?? FormData(urlEncoded: "")
            do {
                _ = try await templates.save(key, form.input, by: try context.actor())
                return Response.redirect(to: "/templates?done=saved", type: .normal)
            } catch let error as ValidationError {
                return try editPage(key, context, values: form.values, template: try await templates.template(key), errors: error)
            }
        }
        portal.post("/templates/:channel/:purpose/:language/reset") { _, context in
            try await templates.reset(try context.templateKey(), by: try context.actor())
            return Response.redirect(to: "/templates?done=reset", type: .normal)
        }
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
