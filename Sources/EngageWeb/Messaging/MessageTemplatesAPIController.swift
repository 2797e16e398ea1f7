import Engage
import Hummingbird

/// `/api/v1/message-templates`: the email and SMS templates per purpose and language, as the
/// portal's Templates page edits them.
struct MessageTemplatesAPIController {
    let templates: MessageTemplateService
    let links: PublicLinks
    let senderName: String

    func register(on api: RouterGroup<EngageRequestContext>) {
        api.get("message-templates") { _, _ in
            try APIResponse.success(try await templates.all())
        }
        let one = "message-templates/:channel/:purpose/:language"
        api.get(RouterPath(one)) { _, context in
            try APIResponse.success(try await templates.template(try context.templateKey()))
        }
        api.put(RouterPath(one)) { request, context in
            let key = try context.templateKey()
            return try APIResponse.success(try await templates.save(key, try await request.decodeInput(context: context), by: try context.actor()))
        }
        // Back to the default shipped under Templates/, which is returned.
        api.delete(RouterPath(one)) { _, context in
            let key = try context.templateKey()
            try await templates.reset(key, by: try context.actor())
            return try APIResponse.success(try await templates.template(key))
        }
        // A subject and body rendered with example values, without saving them.
        api.post(RouterPath(one + "/preview")) { request, context in
            let template = try templates.validated(try context.templateKey(), try await request.decodeInput(context: context))
            return try APIResponse.success(templates.preview(template, senderName: senderName, links: links))
        }
    }
}
