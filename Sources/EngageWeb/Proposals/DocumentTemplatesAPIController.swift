import Engage
import Hummingbird

/// `/api/v1/document-templates` (Offorte's favorites, with their price tables) and
/// `/api/v1/text-templates` (Markdown blocks). A document is made from a template by
/// `POST /api/v1/document-engagements` with `template_id`.
struct DocumentTemplatesAPIController {
    let templates: DocumentTemplateService
    let apiURL: String

    func register(on api: RouterGroup<EngageRequestContext>) {
        let documents = api.group("document-templates")
        documents.get { request, _ in
            let page = try PageRequest(parameters: request.apiQuery())
            return try APIList(try await templates.list(page: page), url: apiURL + "/document-templates", parameters: []).response()
        }
        documents.post { request, context in
            let created = try await templates.create(try await request.decodeInput(context: context), by: try context.actor())
            var response = try APIResponse.success(created, status: .created)
            response.headers[.location] = "\(apiURL)/document-templates/\(created.template.id)"
            return response
        }
        documents.get(":id") { _, context in
            try APIResponse.success(try await templates.details(id: try context.id()))
        }
        documents.put(":id") { request, context in
            let input = try await request.decodeInput(context: context)
            return try APIResponse.success(try await templates.update(id: try context.id(), input, by: try context.actor()))
        }
        documents.delete(":id") { _, context in
            try await templates.delete(id: try context.id(), by: try context.actor())
            return Response(status: .noContent)
        }

        let texts = api.group("text-templates")
        texts.get { request, _ in
            let page = try PageRequest(parameters: request.apiQuery())
            return try APIList(Page(slicing: try await templates.textTemplates(), request: page), url: apiURL + "/text-templates", parameters: []).response()
        }
        texts.post { request, context in
            let created = try await templates.createText(try await request.decodeInput(context: context), by: try context.actor())
            var response = try APIResponse.success(created, status: .created)
            response.headers[.location] = "\(apiURL)/text-templates/\(created.id)"
            return response
        }
        texts.get(":id") { _, context in
            try APIResponse.success(try await templates.textTemplate(id: try context.id()))
        }
        texts.put(":id") { request, context in
            let input = try await request.decodeInput(context: context)
            return try APIResponse.success(try await templates.updateText(id: try context.id(), input, by: try context.actor()))
        }
        texts.delete(":id") { _, context in
            try await templates.deleteText(id: try context.id(), by: try context.actor())
            return Response(status: .noContent)
        }
    }
}
