import Foundation

/// Sync jobs as staff and integrators see them: start one, list them, show one with its errors.
public struct SyncService: Sendable {
    private let database: Database
    private let integrations: IntegrationSettingsService

    public init(database: Database, integrations: IntegrationSettingsService) {
        self.database = database
        self.integrations = integrations
    }

    /// How far back an incremental sync reaches before the previous one started, for clocks
    /// that differ and changes made while it ran.
    static let overlap: TimeInterval = 60

    /// Queues a sync of `partner`: everything with `full`, else what changed since the last
    /// completed sync started. Refused while another runs (`SyncAlreadyRunning`), and when the
    /// partner cannot be reached or answers 5xx now (`PartnerUnavailable`).
    public func start(_ partner: Partner, _ input: Input, by actor: Actor) async throws -> SyncJob {
        try actor.requireWrite()
        var reader = InputReader(input, allowed: ["full"])
        let full = reader.flag("full", label: "Full sync")
        try reader.finish()
        guard let access = try await integrations.access(partner) else {
            throw ValidationError(fields: [.init(
                field: "source", code: .invalidValue,
                message: "\(partner.displayName) is not set up: an admin saves its API token under Integrations first.")])
        }
        if let running = try await database.read({ try await $0.syncJobs.active(source: partner) }) {
            throw SyncAlreadyRunning(jobID: running.id, source: partner)
        }
        do {
            _ = try await integrations.client(access, patient: false).get(partner.feed(baseURL: access.baseURL).probeURL)
        } catch let failure as PartnerFailure {
            switch failure.kind {
            case .unavailable: throw PartnerUnavailable(partner: partner, reason: failure.description)
            case .unauthorized: throw ValidationError(fields: [.init(field: "api_token", code: .invalidValue, message: failure.description)])
            case .rejected: throw ValidationError(fields: [.init(field: "base_url", code: .invalidValue, message: failure.description)])
            }
        }
        return try await database.write { tx in
            let since = full ? nil : try await tx.syncJobs.latest(source: partner, status: .completed)?.startedAt
                .map { $0.addingTimeInterval(-Self.overlap) }
            guard let id = try await tx.syncJobs.insert(
                source: partner, full: full || since == nil, origin: .manual, since: since, requestedBy: actor.userID, at: Date())
            else {
                throw SyncAlreadyRunning(jobID: try await tx.syncJobs.active(source: partner)?.id ?? 0, source: partner)
            }
            guard let job = try await tx.syncJobs.find(id: id) else { throw RecordNotFound("Sync job", id: id) }
            return job
        }
    }

    /// Filters of the job list.
    public struct JobQuery: Sendable {
        public var source: Partner?
        public var status: SyncJob.Status?
        public var page: PageRequest

        /// Reads `source`, `status`, `page` and `per_page`, every problem at once.
        public init(parameters: [String: String]) throws {
            var problems: [ValidationError.FieldError] = []
            page = PageRequest(query: parameters, reader: &problems)
            source = nil
            status = nil
            if let text = parameters["source"] {
                source = Partner(rawValue: text)
                if source == nil { problems.append(.init(field: "source", code: .invalidValue, message: "source must be pennylane or projectflow.")) }
            }
            if let text = parameters["status"] {
                status = SyncJob.Status(rawValue: text)
                if status == nil {
                    problems.append(.init(
                        field: "status", code: .invalidValue,
                        message: "status must be one of \(SyncJob.Status.allCases.map(\.rawValue).joined(separator: ", ")).")) }
            }
            for name in parameters.keys.sorted() where !["source", "status", "page", "per_page"].contains(name) {
                problems.append(.init(field: name, code: .unknownField, message: "\(name) is not a parameter of this list."))
            }
            if !problems.isEmpty { throw ValidationError(fields: problems) }
        }

        public init(source: Partner? = nil, status: SyncJob.Status? = nil, page: PageRequest = PageRequest()) {
            self.source = source
            self.status = status
            self.page = page
        }
    }

    public func jobs(_ query: JobQuery) async throws -> Page<SyncJob> {
        try await database.read { tx in
            let found = try await tx.syncJobs.page(source: query.source, status: query.status, page: query.page)
            return Page(items: found.items, request: query.page, total: found.total)
        }
    }

    public func job(id: Int64) async throws -> SyncJob {
        guard let job = try await database.read({ try await $0.syncJobs.find(id: id) }) else { throw RecordNotFound("Sync job", id: id) }
        return job
    }

    /// A page of a job's errors, oldest first.
    public func errors(jobID: Int64, page: PageRequest) async throws -> Page<SyncError> {
        let job = try await job(id: jobID)
        let items = try await database.read { try await $0.syncJobs.errors(jobID: jobID, limit: page.perPage, offset: (page.page - 1) * page.perPage) }
        return Page(items: items, request: page, total: job.errorCount)
    }

    /// Every error of a job, `batch` at a time, for the CSV download.
    public func forEachErrorBatch(jobID: Int64, batch: Int = 1_000, _ body: ([SyncError]) async throws -> Void) async throws {
        _ = try await job(id: jobID)
        try await database.forEachBatch(
            fetch: { try await $0.syncJobs.errorBatch(jobID: jobID, after: $1, limit: batch) }, id: \.id) { rows in
            try await body(rows.map(\.error))
        }
    }

    /// Each partner's settings summary and latest job, for the Sync page.
    public struct Overview: Sendable {
        public let partner: Partner
        public let configured: Bool
        public let scheduleMinutes: Int?
        public let latest: SyncJob?
    }

    public func overview() async throws -> [Overview] {
        try await database.read { tx in
            var rows: [Overview] = []
            let stored = try await tx.integrations.all()
            for partner in Partner.allCases {
                let settings = stored.first { $0.settings.partner == partner }?.settings ?? .unset(partner)
                rows.append(Overview(
                    partner: partner, configured: settings.isConfigured, scheduleMinutes: settings.scheduleMinutes,
                    latest: try await tx.syncJobs.latest(source: partner)))
            }
            return rows
        }
    }
}
