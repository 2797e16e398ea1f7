import Engage
import Foundation
import Hummingbird

/// The Sync pages: each partner's last job with Sync now (writers), the job list, one job with
/// its progress bar (polled by a small script, or refreshed by the page itself without one) and
/// its errors as CSV; and the admins' Integrations page: settings and the connection test.
struct SyncController {
    let views: ViewRenderer
    let sync: SyncService
    let settings: IntegrationSettingsService

    private static let notices = ["saved": "Saved."]

    struct JobRow: Sendable {
        let id: Int64
        let source: String
        let status: String
        let isFailed: Bool
        let isActive: Bool
        let kind: String
        let processed: Int
        let created: Int
        let updated: Int
        let errors: Int
        let percent: Int?
        /// The bar's width: the percent, or a full striped bar while the total is unknown.
        let width: Int
        let failure: String?
        let requested: String
        let finished: String?

        init(_ job: SyncJob) {
            id = job.id
            source = job.source.displayName
            status = job.status.rawValue
            isFailed = job.status == .failed
            isActive = job.isActive
            kind = (job.full ? "full" : "incremental") + (job.origin == .schedule ? ", scheduled" : "")
            processed = job.processed
            created = job.created
            updated = job.updated
            errors = job.errorCount
            percent = job.percent
            width = job.percent ?? 100
            failure = job.failure
            requested = PortalTime(job.createdAt).text
            finished = job.finishedAt.map { PortalTime($0).text }
        }
    }

    struct SourceCard: Sendable {
        let source: String
        let name: String
        let configured: Bool
        let schedule: String
        let latest: JobRow?
    }

    struct IndexPage: PageContext {
        let title = PortalLocale.current.text("navSync")
        let chrome: PortalChrome?
        let notice: String?
        let cards: [SourceCard]
        let canWrite: Bool
        let jobs: [JobRow]
        let hasJobs: Bool
        let pager: Pager
    }

    struct ErrorRow: Sendable {
        let externalID: String
        let message: String
    }

    struct JobPage: PageContext {
        let title: String
        let chrome: PortalChrome?
        let job: JobRow
        /// Nil once the job ended: the page stops refreshing itself.
        let refresh: Bool?
        let errors: [ErrorRow]
        let hasErrors: Bool
        let moreErrors: Int?
    }

    struct SettingsCard: Sendable {
        let source: String
        let name: String
        let tokenLast4: String?
        let baseURL: String
        let hasWebhookSecret: Bool
        let scheduleMinutes: String
        let callbackURL: String
        let errors: [String: String]
        let test: String?
        let testFailed: Bool
    }

    struct SettingsPage: PageContext {
        let title = PortalLocale.current.text("integrations")
        let chrome: PortalChrome?
        let notice: String?
        let cards: [SettingsCard]
    }

    func register(on portal: RouterGroup<EngageRequestContext>, admin: RouterGroup<EngageRequestContext>) {
        portal.get("/sync") { request, context in
            let parameters = request.queryDictionary.filter { $0.key == "page" }
            let jobs = try await sync.jobs(.init(page: try PageRequest(parameters: parameters)))
            let cards = try await sync.overview().map { overview in
                SourceCard(
                    source: overview.partner.rawValue, name: overview.partner.displayName, configured: overview.configured,
                    schedule: overview.scheduleMinutes.map { "every \($0) minutes" } ?? "off", latest: overview.latest.map(JobRow.init))
            }
            return try views.render("portal/sync/index", IndexPage(
                chrome: PortalChrome(context: context, section: "sync"), notice: nil, cards: cards,
                canWrite: try context.actor().role.canWrite, jobs: jobs.items.map(JobRow.init), hasJobs: !jobs.items.isEmpty,
                pager: Pager(jobs, path: "/sync", parameters: [])))
        }
        portal.post("/sync/:source") { _, context in
            let form = context.form ?? FormData(urlEncoded: "")
            let partner = try context.partner()
            do {
                let job = try await sync.start(partner, Input(form: ["full": form["full"]]), by: try context.actor())
                return Response.redirect(to: "/sync/jobs/\(job.id)")
            } catch let running as SyncAlreadyRunning {
                return Response.redirect(to: "/sync/jobs/\(running.jobID)")
            } catch let error as PartnerUnavailable {
                return try await message(context, "\(error.partner.displayName) cannot be used now: \(error.reason)")
            } catch let error as ValidationError {
                return try await message(context, error.messages.joined(separator: " "))
            }
        }
        portal.get("/sync/jobs/:id") { _, context in
            let job = try await sync.job(id: try context.id())
            let errors = try await sync.errors(jobID: job.id, page: PageRequest(page: 1, perPage: 100))
            return try views.render("portal/sync/job", JobPage(
                title: "\(job.source.displayName) sync #\(job.id)", chrome: PortalChrome(context: context, section: "sync"),
                job: JobRow(job), refresh: job.isActive ? true : nil,
                errors: errors.items.map { ErrorRow(externalID: $0.externalID ?? "—", message: $0.message) }, hasErrors: !errors.items.isEmpty,
                moreErrors: job.errorCount > errors.items.count ? job.errorCount - errors.items.count : nil))
        }
        // What the job page's script polls: the numbers the bar shows.
        portal.get("/sync/jobs/:id/progress") { _, context in
            var w = JSONWriter()
            try await sync.job(id: try context.id()).writeJSON(&w)
            return APIResponse.json(bytes: w.bytes, status: .ok)
        }
        portal.get("/sync/jobs/:id/errors.csv") { _, context in
            let id = try context.id()
            _ = try await sync.job(id: id)
            return CSVDownload.response(filename: "sync-\(id)-errors", header: ["external_id", "message", "created_at"]) { write in
                try await sync.forEachErrorBatch(jobID: id) { errors in
                    try await write(errors.map { [$0.externalID ?? "", $0.message, ISOTimestamp.string($0.createdAt)] })
                }
            }
        }
        admin.get("/integrations") { request, context in
            try await integrations(context, notice: request.notice(from: Self.notices))
        }
        admin.post("/integrations/:source") { _, context in
            let partner = try context.partner()
            let form = context.form ?? FormData(urlEncoded: "")
            do {
                _ = try await settings.update(partner, form.input, by: try context.actor())
                return Response.redirect(to: "/integrations?done=saved")
            } catch let error as ValidationError {
                return try await integrations(context, errors: [partner: error.messagesByField], status: .unprocessableContent)
            }
        }
        admin.post("/integrations/:source/test") { _, context in
            let partner = try context.partner()
            let test = try await settings.testConnection(partner, by: try context.actor())
            return try await integrations(context, test: (partner, test))
        }
    }

    private func message(_ context: EngageRequestContext, _ text: String) async throws -> Response {
        let jobs = try await sync.jobs(.init())
        let cards = try await sync.overview().map { overview in
            SourceCard(
                source: overview.partner.rawValue, name: overview.partner.displayName, configured: overview.configured,
                schedule: overview.scheduleMinutes.map { "every \($0) minutes" } ?? "off", latest: overview.latest.map(JobRow.init))
        }
        return try views.render("portal/sync/index", IndexPage(
            chrome: PortalChrome(context: context, section: "sync"), notice: text, cards: cards,
            canWrite: try context.actor().role.canWrite, jobs: jobs.items.map(JobRow.init), hasJobs: !jobs.items.isEmpty,
            pager: Pager(jobs, path: "/sync", parameters: [])), status: .unprocessableContent)
    }

    private func integrations(
        _ context: EngageRequestContext, notice: String? = nil, errors: [Partner: [String: String]] = [:],
        test: (Partner, IntegrationSettingsService.ConnectionTest)? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let all = try await settings.all(by: try context.actor())
        let cards = all.map { item in
            let tested = test.flatMap { $0.0 == item.partner ? $0.1 : nil }
            return SettingsCard(
                source: item.partner.rawValue, name: item.partner.displayName, tokenLast4: item.tokenLast4, baseURL: item.baseURL ?? "",
                hasWebhookSecret: item.hasWebhookSecret, scheduleMinutes: item.scheduleMinutes.map(String.init) ?? "",
                callbackURL: "/webhooks/\(item.partner.rawValue)", errors: errors[item.partner] ?? [:], test: tested?.message,
                testFailed: tested?.succeeded == false)
        }
        return try views.render("portal/sync/integrations", SettingsPage(
            chrome: PortalChrome(context: context, section: "sync"), notice: notice, cards: cards), status: status)
    }
}
