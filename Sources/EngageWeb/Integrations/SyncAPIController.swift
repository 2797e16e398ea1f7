import Engage
import Hummingbird

/// `/api/v1/sync/…`: start a sync of a partner, the job list, one job with its first errors and
/// every error page by page; `/api/v1/integrations/{source}`: a partner's settings (admins) and
/// the connection test.
struct SyncAPIController {
    let sync: SyncService
    let settings: IntegrationSettingsService
    let apiURL: String

    /// Errors shown with a job; more are read page by page.
    static let errorsShown = 100

    /// A job with its first errors.
    private struct Details: JSONWritable {
        let job: SyncJob
        let errors: [SyncError]

        func writeJSON(_ w: inout JSONWriter) {
            job.writeJSON(&w) { w in
                w.key("errors")
                w.beginArray()
                for error in errors { error.writeJSON(&w) }
                w.endArray()
            }
        }
    }

    /// What a connection test found.
    private struct Tested: JSONWritable {
        let test: IntegrationSettingsService.ConnectionTest

        func writeJSON(_ w: inout JSONWriter) {
            w.beginObject()
            w.key("message"); w.value(test.message)
            w.key("succeeded"); w.value(test.succeeded)
            w.endObject()
        }
    }

    func register(on api: RouterGroup<EngageRequestContext>) {
        api.post("sync/:source") { request, context in
            let job = try await sync.start(try context.partner(), try await request.decodeInput(context: context, optional: true), by: try context.actor())
            var response = try APIResponse.success(Details(job: job, errors: []), status: .accepted)
            response.headers[.location] = "\(apiURL)/sync/jobs/\(job.id)"
            return response
        }
        api.get("sync/jobs") { request, context in
            _ = try context.actor()
            let parameters = try request.apiQuery()
            let page = try await sync.jobs(try SyncService.JobQuery(parameters: parameters))
            return try APIList(page, url: "\(apiURL)/sync/jobs", parameters: parameters.filter { $0.key != "page" }.sorted { $0.key < $1.key })
                .response()
        }
        api.get("sync/jobs/:id") { _, context in
            _ = try context.actor()
            let id = try context.id()
            let job = try await sync.job(id: id)
            let errors = try await sync.errors(jobID: id, page: PageRequest(page: 1, perPage: Self.errorsShown))
            return try APIResponse.success(Details(job: job, errors: errors.items))
        }
        api.get("sync/jobs/:id/errors") { request, context in
            _ = try context.actor()
            let id = try context.id()
            let page = try await sync.errors(jobID: id, page: try PageRequest(parameters: request.apiQuery()))
            return try APIList(page, url: "\(apiURL)/sync/jobs/\(id)/errors", parameters: []).response()
        }
        api.get("integrations") { _, context in
            try APIResponse.success(IntegrationList(settings: try await settings.all(by: try context.actor())))
        }
        api.get("integrations/:source") { _, context in
            try APIResponse.success(try await settings.find(try context.partner(), by: try context.actor()))
        }
        api.put("integrations/:source") { request, context in
            let input = try await request.decodeInput(context: context)
            return try APIResponse.success(try await settings.update(try context.partner(), input, by: try context.actor()))
        }
        api.post("integrations/:source/test") { _, context in
            try APIResponse.success(Tested(test: try await settings.testConnection(try context.partner(), by: try context.actor())))
        }
    }

    /// Both partners' settings.
    private struct IntegrationList: JSONWritable {
        let settings: [IntegrationSettings]

        func writeJSON(_ w: inout JSONWriter) {
            w.beginArray()
            for item in settings { item.writeJSON(&w) }
            w.endArray()
        }
    }
}

extension EngageRequestContext {
    /// The partner a path names (`:source`); any other name is a 404.
    func partner() throws -> Partner {
        guard let name = parameters.get("source"), let partner = Partner(rawValue: name) else { throw APIError.notFound() }
        return partner
    }
}
