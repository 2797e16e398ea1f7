import Foundation
import Logging

/// How sync jobs and push-backs run.
public struct SyncSettings: Sendable {
    /// How long a claimed job belongs to its worker without news; each page extends it.
    public var lease: Duration
    /// A job taken up this many times without finishing fails (it keeps stopping its workers).
    public var maxClaims: Int
    public var pollInterval: Duration
    /// The waits after the 1st, 2nd… failed push-back; one attempt more than waits, then it fails.
    public var pushRetrySchedule: [Duration]
    /// The waits before calling again a partner that was unreachable or answered 5xx; then the
    /// job (or push-back attempt) fails.
    public var requestRetries: [Duration]

    public init(
        lease: Duration = .seconds(120), maxClaims: Int = 5, pollInterval: Duration = .seconds(1),
        pushRetrySchedule: [Duration] = [.seconds(60), .seconds(300), .seconds(1800), .seconds(7200), .seconds(21_600)],
        requestRetries: [Duration] = [.seconds(1), .seconds(2), .seconds(4)]
    ) {
        self.requestRetries = requestRetries
        self.lease = lease
        self.maxClaims = maxClaims
        self.pollInterval = pollInterval
        self.pushRetrySchedule = pushRetrySchedule
    }
}

/// Runs sync jobs (one at a time per worker, any number of workers), starts the scheduled ones,
/// and writes statuses back to partners. A job is checkpointed after every page; a worker that
/// stops mid-job leaves it to the next one once its lease ends.
public final class SyncWorker: Sendable {
    private let database: Database
    private let integrations: IntegrationSettingsService
    private let settings: SyncSettings
    private let logger: Logger
    public let name: String

    public init(database: Database, integrations: IntegrationSettingsService, settings: SyncSettings, logger: Logger) {
        self.database = database
        self.integrations = integrations
        self.settings = settings
        self.logger = logger
        name = "\(ProcessInfo.processInfo.hostName.prefix(40)):\(getpid()):\(SecretToken.randomHexID().prefix(6))"
    }

    /// Works until the task is cancelled; a page under way is finished first.
    public func run() async {
        logger.info("sync worker started", metadata: ["worker": "\(name)"])
        var nextSchedule = ContinuousClock.now
        while !Task.isCancelled {
            if ContinuousClock.now >= nextSchedule {
                nextSchedule = ContinuousClock.now + .seconds(30)
                _ = await logging("sync schedule failed") { try await self.startScheduled() }
            }
            let ran = await logging("sync job failed") { try await Task { try await self.runNextJob() }.value } ?? false
            let pushed = await logging("push-back failed") { try await Task { try await self.pushBatch() }.value } ?? 0
            if !ran, pushed == 0 { try? await Task.sleep(for: settings.pollInterval) }
        }
        logger.info("sync worker stopped", metadata: ["worker": "\(name)"])
    }

    private func logging<T>(_ message: Logger.Message, _ body: () async throws -> T) async -> T? {
        do {
            return try await body()
        } catch {
            logger.error(message, metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Queues a job for each partner whose schedule is due and that has none queued or running.
    @discardableResult
    public func startScheduled(at now: Date = Date()) async throws -> Int {
        var started = 0
        for (partner, minutes) in try await database.read({ try await $0.integrations.scheduled() }) {
            let queued = try await database.write { tx -> Bool in
                // The settings row serializes the workers that look at the same schedule.
                _ = try await tx.integrations.find(partner, lock: true)
                let latest = try await tx.syncJobs.latest(source: partner)
                if let latest, latest.isActive || latest.createdAt.addingTimeInterval(Double(minutes) * 60) > now { return false }
                let since = try await tx.syncJobs.latest(source: partner, status: .completed)?.startedAt
                    .map { $0.addingTimeInterval(-SyncService.overlap) }
                return try await tx.syncJobs.insert(
                    source: partner, full: since == nil, origin: .schedule, since: since, requestedBy: nil, at: now) != nil
            }
            if queued { started += 1 }
        }
        return started
    }

    /// Takes the next job that is waiting (or whose worker stopped) and runs it to its end;
    /// false when there was none.
    @discardableResult
    public func runNextJob() async throws -> Bool {
        let now = Date()
        guard let (job, checkpoint) = try await database.write({ tx in
            try await tx.syncJobs.claim(owner: name, leaseEnd: now.addingTimeInterval(settings.lease.seconds), now: now)
        }) else { return false }
        guard job.claims <= settings.maxClaims else {
            try await fail(job, "The job stopped \(settings.maxClaims) times without finishing; start a new sync.")
            return true
        }
        do {
            try await execute(job, from: checkpoint)
            try await database.statements { try await $0.syncJobs.finish(id: job.id, owner: self.name, status: .completed, failure: nil, at: Date()) }
        } catch let failure as PartnerFailure {
            try await fail(job, failure.description)
        } catch is SyncImporter.LostLease {
            logger.warning("sync job taken over by another worker", metadata: ["job_id": "\(job.id)"])
        } catch is CancellationError {
            // Shutting down: the next worker resumes from the checkpoint once the lease ends.
        }
        return true
    }

    private func fail(_ job: SyncJob, _ reason: String) async throws {
        logger.warning("sync job failed", metadata: ["job_id": "\(job.id)", "reason": "\(reason)"])
        try await database.statements { try await $0.syncJobs.finish(id: job.id, owner: self.name, status: .failed, failure: reason, at: Date()) }
    }

    /// Reads the partner's lists from the checkpoint on, importing and checkpointing each page.
    private func execute(_ job: SyncJob, from checkpoint: SyncJobRepository.Checkpoint) async throws {
        guard let access = try await integrations.access(job.source) else {
            throw PartnerFailure(kind: .rejected, description: "\(job.source.displayName) has no API token any more.")
        }
        let feed = job.source.feed(baseURL: access.baseURL)
        let client = integrations.client(access, patient: true)
        let importer = SyncImporter(partner: job.source)
        let first = checkpoint.stage.flatMap { feed.stages.firstIndex(of: $0) } ?? 0
        for index in first..<feed.stages.count {
            let stage = feed.stages[index]
            var cursor = stage == checkpoint.stage ? checkpoint.cursor : nil
            // A checkpoint at a stage with no cursor left means the stage is done.
            if stage == checkpoint.stage, checkpoint.cursor == nil { continue }
            // The next page is fetched while this one is imported.
            var next: Task<Data, any Error>? = nil
            defer { next?.cancel() }
            repeat {
                try Task.checkCancellation()
                let body: Data
                if let next {
                    body = try await next.value
                } else {
                    body = try await fetch(stage, cursor: cursor, since: job.since, feed: feed, client: client)
                }
                let page = try feed.page(body, stage: stage)
                next = page.next.map { following in
                    Task { try await self.fetch(stage, cursor: following, since: job.since, feed: feed, client: client) }
                }
                let customers = try await fetchCustomers(for: page, feed: feed, client: client, partner: job.source)
                let checkpoint = SyncJobRepository.Checkpoint(stage: stage, cursor: page.next)
                let leaseEnd = Date().addingTimeInterval(settings.lease.seconds)
                try await database.write { tx in
                    try await importer.importPage(page, customers: customers, job: job, owner: name, leaseEnd: leaseEnd, next: checkpoint, in: tx)
                }
                cursor = page.next
            } while cursor != nil
        }
    }

    /// One page's body; a partner refusing a saved cursor ends the job with a reason to start anew.
    private func fetch(_ stage: String, cursor: String?, since: Date?, feed: any PartnerFeed, client: PartnerClient) async throws -> Data {
        do {
            return try await client.get(feed.pageURL(stage: stage, cursor: cursor, since: since))
        } catch let failure as PartnerFailure where failure.kind == .rejected && cursor != nil {
            throw PartnerFailure(kind: .rejected, description: failure.description + " The saved position cannot be used; start a new sync.")
        }
    }

    /// The customers a page refers to that are neither known here nor described by the page.
    private func fetchCustomers(for page: FeedPage, feed: any PartnerFeed, client: PartnerClient, partner: Partner) async throws -> [ImportedCustomer] {
        let referred = Set(page.items.compactMap { try? $0.get().customerID }).subtracting(page.customers.map(\.externalID))
        guard !referred.isEmpty else { return [] }
        let known = try await database.read { try await $0.customers.parties(source: partner.externalSource, ids: referred.sorted()) }
        let unknown = referred.subtracting(known.keys).sorted()
        var customers: [ImportedCustomer] = []
        for start in stride(from: 0, to: unknown.count, by: 100) {
            guard let url = feed.customersURL(ids: Array(unknown[start..<min(start + 100, unknown.count)])) else { break }
            customers += try feed.customers(try await client.get(url))
        }
        return customers
    }

    // MARK: Push-back

    /// Sends due push-backs; returns how many were claimed.
    @discardableResult
    public func pushBatch() async throws -> Int {
        let now = Date()
        let claimed = try await database.write { tx in
            try await tx.pushes.claim(limit: 20, owner: name, leaseEnd: now.addingTimeInterval(settings.lease.seconds), now: now)
        }
        for push in claimed { try await send(push) }
        return claimed.count
    }

    private func send(_ push: PartnerPushRepository.Claimed) async throws {
        var error: String?
        do {
            guard let access = try await integrations.access(push.partner) else {
                throw PartnerFailure(kind: .rejected, description: "\(push.partner.displayName) has no API token.")
            }
            if let request = push.partner.feed(baseURL: access.baseURL)
                .pushRequest(type: push.documentType, externalID: push.externalID, status: push.status) {
                _ = try await integrations.client(access, patient: true).send(request.method, url: request.url, body: request.body)
            }
        } catch let failure as PartnerFailure {
            error = failure.description
        }
        let now = Date()
        let retryAt = error == nil ? nil : push.attempt <= settings.pushRetrySchedule.count
            ? now.addingTimeInterval(settings.pushRetrySchedule[push.attempt - 1].seconds) : nil
        try await database.write { tx in
            try await tx.pushes.finish(id: push.id, owner: name, delivered: error == nil, error: error, retryAt: retryAt, at: now)
            // The timeline says when it was written back, or that it could not be.
            guard error == nil || retryAt == nil else { return }
            var details: [String: JSONValue] = ["source": .string(push.partner.rawValue), "status": .string(push.status.rawValue)]
            if let error { details["error"] = .string(error) }
            _ = try await tx.change(documentID: push.documentID, .partnerUpdated(delivered: error == nil), details: details)
        }
    }
}
