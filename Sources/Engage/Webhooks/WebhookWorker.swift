import CCurl
import Foundation
import Logging
import Metrics
import NIOPosix
import Synchronization

/// Delivers webhooks. Like the outbox worker it claims due deliveries under a lease with
/// `FOR UPDATE SKIP LOCKED`, so any number may run; it sends each endpoint's share in the order
/// the events happened, several endpoints at once. A delivery the receiver refuses is retried
/// later while the share goes on; a receiver that cannot be reached (or answers 410) holds up
/// only its own share, whose rest goes back to wait behind the failure.
public final class WebhookWorker: Sendable {
    private let database: Database
    private let settings: WebhookSettings
    private let seal: SecretSeal
    private let addresses: AddressGuard
    private let logger: Logger
    /// Names this worker in `locked_by`.
    public let name: String
    /// Threads for libcurl's blocking transfers, one per endpoint delivered to at once.
    private let threads: NIOThreadPool
    /// Open handles (and their kept-alive connections) waiting for the next endpoint.
    private let idle = Mutex<[SendableCurl]>([])
    /// Partners' callbacks, processed between batches.
    private let callbacks: IncomingWebhookService?

    public init(
        database: Database, settings: WebhookSettings, seal: SecretSeal, callbacks: IncomingWebhookService? = nil, logger: Logger
    ) {
        self.database = database
        self.callbacks = callbacks
        self.settings = settings
        self.seal = seal
        self.logger = logger
        addresses = AddressGuard(allowPrivate: settings.allowPrivate)
        name = "\(ProcessInfo.processInfo.hostName.prefix(40)):\(getpid()):\(SecretToken.randomHexID().prefix(6))"
        threads = NIOThreadPool(numberOfThreads: settings.connections)
        threads.start()
    }

    deinit {
        threads.shutdownGracefully { _ in }
    }

    /// Delivers until the task is cancelled; a batch under way is finished first.
    public func run() async {
        logger.info("webhook worker started", metadata: ["worker": "\(name)"])
        var nextPurge = ContinuousClock.now
        while !Task.isCancelled {
            let delivered = await Task { await self.deliverBatchLogged() }.value
            let processed = await Task { await self.processCallbacksLogged() }.value
            if ContinuousClock.now >= nextPurge {
                nextPurge = ContinuousClock.now + .seconds(600)
                do {
                    try await purgeExpired()
                } catch {
                    logger.error("webhook history purge failed", metadata: ["error": "\(error)"])
                }
            }
            if delivered == 0, processed == 0 { try? await Task.sleep(for: settings.pollInterval) }
        }
        logger.info("webhook worker stopped", metadata: ["worker": "\(name)"])
    }

    /// Deletes the history past `settings.retention`: ended deliveries with their events and
    /// attempts, and processed callbacks; in batches, so no statement holds many locks.
    @discardableResult
    public func purgeExpired() async throws -> Int {
        let cutoff = Date().addingTimeInterval(-settings.retention.seconds)
        var removed = 0
        for _ in 0..<20 {
            let batch = try await database.statements { tx in
                try await tx.webhooks.purge(before: cutoff, limit: 1_000) + tx.callbacks.purge(before: cutoff, limit: 1_000)
            }
            removed += batch
            if batch == 0 { break }
        }
        return removed
    }

    private func processCallbacksLogged() async -> Int {
        do {
            return try await callbacks?.processReceived() ?? 0
        } catch {
            logger.error("callback processing failed", metadata: ["error": "\(error)"])
            return 0
        }
    }

    private func deliverBatchLogged() async -> Int {
        do {
            return try await deliverBatch()
        } catch {
            logger.error("webhook batch failed", metadata: ["error": "\(error)"])
            return 0
        }
    }

    private static let claims = Counter(label: "engage_queue_claims_total", dimensions: [("queue", "webhooks")])

    /// Claims one batch of due deliveries and sends it; returns how many were claimed.
    @discardableResult
    public func deliverBatch() async throws -> Int {
        let now = Date()
        let leaseEnd = now.addingTimeInterval(settings.lease.seconds)
        Self.claims.increment()
        let claims = try await database.write(unit: "webhook_claim") { tx in
            try await tx.webhooks.claim(limit: settings.batchSize, owner: name, leaseEnd: leaseEnd, now: now)
        }
        // Only what the claim still holds once committed is delivered (`Database.confirmedClaim`).
        let held = try await database.confirmedClaim(
            claims.map(\.id), of: "webhook_deliveries", queue: "webhooks", owner: name, leaseEnd: leaseEnd)
        let claimed = claims.filter { held.contains($0.id) }
        guard !claimed.isEmpty else { return claims.count }
        var shares: [Int64: [WebhookRepository.Claimed]] = [:]
        var order: [Int64] = []
        for delivery in claimed {
            if shares[delivery.endpointID] == nil { order.append(delivery.endpointID) }
            shares[delivery.endpointID, default: []].append(delivery)
        }
        await withTaskGroup(of: Void.self) { group in
            var pending = order.makeIterator()
            for _ in 0..<settings.connections {
                guard let endpoint = pending.next(), let share = shares[endpoint] else { break }
                group.addTask { await self.deliver(share, leaseEnd: leaseEnd) }
            }
            while await group.next() != nil {
                guard let endpoint = pending.next(), let share = shares[endpoint] else { continue }
                group.addTask { await self.deliver(share, leaseEnd: leaseEnd) }
            }
        }
        return claimed.count
    }

    /// What one attempt came to.
    private struct Outcome {
        let delivery: WebhookRepository.Claimed
        let attempt: WebhookAttempt
        let succeeded: Bool
        let retryAfter: Duration?
    }

    /// Sends one endpoint's share in order, stopping at its first failure.
    private func deliver(_ share: [WebhookRepository.Claimed], leaseEnd: Date) async {
        guard let first = share.first else { return }
        do {
            let secrets = try await database.read { try await $0.webhooks.sealedSecrets(id: first.endpointID, at: Date()) }
                .map { try seal.open($0) }
            let target = try await Target(url: first.url, guard: addresses)
            var outcomes: [Outcome] = []
            for (index, delivery) in share.enumerated() {
                // A delivery sent after its lease ended might be sent by another worker too.
                guard Date().addingTimeInterval(settings.timeout.seconds + 5) < leaseEnd else {
                    try await record(outcomes, putBack: Array(share[index...]), leaseEnd: leaseEnd)
                    return
                }
                let outcome = await send(delivery, to: target, secrets: secrets)
                outcomes.append(outcome)
                // No answer (or 410): the rest would fare no better now.
                if !outcome.succeeded, outcome.attempt.statusCode == nil || outcome.attempt.statusCode == 410 {
                    try await record(outcomes, putBack: Array(share[(index + 1)...]), leaseEnd: leaseEnd)
                    return
                }
            }
            try await record(outcomes, putBack: [], leaseEnd: leaseEnd)
        } catch let refusal as AddressGuard.Refusal {
            await refuse(share, reason: refusal.description)
        } catch {
            logger.error("cannot deliver webhooks", metadata: ["endpoint_id": "\(first.endpointID)", "error": "\(error)"])
        }
    }

    /// Where an endpoint's requests go: its URL and the checked address its host is pinned to.
    private struct Target: Sendable {
        let url: String
        let resolve: String

        init(url: String, guard addresses: AddressGuard) async throws {
            guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty else {
                throw AddressGuard.Refusal(description: "\(url) is not a URL with a host.")
            }
            let port = components.port ?? (components.scheme?.lowercased() == "https" ? 443 : 80)
            let address = try await addresses.check(host: host)[0]
            self.url = url
            let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
            resolve = "\(bare):\(port):\(address.contains(":") ? "[\(address)]" : address)"
        }
    }

    /// POSTs one delivery on a pool thread and reads what came back.
    private func send(_ delivery: WebhookRepository.Claimed, to target: Target, secrets: [String]) async -> Outcome {
        let timestamp = Int64(Date().timeIntervalSince1970)
        let body = Data(delivery.body.utf8)
        let signature = WebhookSignature.header(id: delivery.messageID, timestamp: timestamp, body: body, secrets: secrets)
        let headers = [
            "Content-Type: application/json", "User-Agent: OuiEngage-Webhooks/1", "webhook-id: \(delivery.messageID)",
            "webhook-timestamp: \(timestamp)", "webhook-signature: \(signature)", "Expect:",
        ]
        let sentAt = Date()
        let started = ContinuousClock.now
        let curl = idle.withLock { $0.popLast() } ?? SendableCurl(timeout: settings.timeout)
        let result = try? await threads.runIfActive {
            curl.handle.set(CURLOPT_URL, target.url)
            curl.handle.set(CURLOPT_COPYPOSTFIELDS, delivery.body)
            return curl.handle.perform(headers: headers, keepHeaders: true, bodyLimit: 2000, resolve: [target.resolve])
        }
        let elapsed = ContinuousClock.now - started
        if let result, result.succeeded { idle.withLock { $0.append(curl) } }
        let status = result.map { $0.responseCode > 0 ? $0.responseCode : nil } ?? nil
        let succeeded = result?.succeeded == true && (200..<300).contains(status ?? 0)
        let error: String? = switch (result, status) {
        case (nil, _): "The worker is shutting down."
        case (let result?, _) where !result.succeeded: result.message
        case (_, let code?) where !(200..<300).contains(code): "The receiver answered \(code)."
        default: nil
        }
        let attempt = WebhookAttempt(
            attempt: delivery.attempt, sentAt: sentAt,
            durationMilliseconds: Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000),
            signedTimestamp: timestamp, signature: signature, statusCode: status,
            responseHeaders: result.map { $0.headers }, responseBody: result.map { String(decoding: $0.body, as: UTF8.self) }, error: error)
        return Outcome(delivery: delivery, attempt: attempt, succeeded: succeeded, retryAfter: result.flatMap { RetryAfter.parse(headers: $0.headers) })
    }

    /// Writes what a share came to in one transaction: each delivery that succeeded, each that
    /// failed (queued again, failed for good, or its endpoint disabled), and those put back untried;
    /// waits out an unreachable database until the lease ends rather than send them twice.
    private func record(_ outcomes: [Outcome], putBack: [WebhookRepository.Claimed], leaseEnd: Date) async throws {
        let now = Date()
        try await database.writeOutcome(until: leaseEnd) { tx in
            let webhooks = tx.webhooks
            let answered = outcomes.contains(where: \.succeeded)
            var retryAt = now
            for outcome in outcomes {
                try await webhooks.recordAttempt(deliveryID: outcome.delivery.id, outcome.attempt)
                if outcome.succeeded {
                    try await webhooks.finish(
                        id: outcome.delivery.id, owner: name, status: .delivered, statusCode: outcome.attempt.statusCode, error: nil,
                        retryAt: nil, at: now)
                } else {
                    retryAt = try await self.recordFailure(outcome, endpointAnswered: answered, in: tx, at: now)
                }
            }
            // An endpoint that took anything in this share is not failing.
            if answered, let endpointID = outcomes.first?.delivery.endpointID {
                try await webhooks.noteSuccess(endpointID: endpointID, at: now)
            }
            // Untried ones wait behind the failure, their claimed attempt given back.
            try await webhooks.release(ids: putBack.map(\.id), owner: name, dueAt: retryAt, at: now)
        }
    }

    /// Ends or reschedules a failed delivery (its attempt already recorded); returns when it is
    /// due again. `endpointAnswered`: the endpoint took another delivery of the same share, so it
    /// is not counted as failing.
    private func recordFailure(_ failure: Outcome, endpointAnswered: Bool, in tx: Transaction, at now: Date) async throws -> Date {
        let webhooks = tx.webhooks
        let delivery = failure.delivery
        let error = failure.attempt.error ?? "Failed."
        if failure.attempt.statusCode == 410 {
            try await webhooks.finish(id: delivery.id, owner: name, status: .failed, statusCode: 410, error: error, retryAt: nil, at: now)
            try await disable(delivery, reason: "The receiver answered 410 Gone.", in: tx, at: now)
            return now
        }
        let failingSince = endpointAnswered ? now : try await webhooks.noteFailure(endpointID: delivery.endpointID, at: now)
        guard let wait = settings.retryDelay(afterAttempt: delivery.attempt, retryAfter: failure.retryAfter) else {
            try await webhooks.finish(
                id: delivery.id, owner: name, status: .failed, statusCode: failure.attempt.statusCode, error: error, retryAt: nil, at: now)
            return now
        }
        let retryAt = now.addingTimeInterval(wait.seconds)
        try await webhooks.finish(
            id: delivery.id, owner: name, status: .queued, statusCode: failure.attempt.statusCode, error: error, retryAt: retryAt, at: now)
        if now.timeIntervalSince(failingSince) >= settings.disableAfter.seconds {
            try await disable(delivery, reason: "Every delivery failed for \(Int(settings.disableAfter.seconds / 3600)) hours.", in: tx, at: now)
        }
        return retryAt
    }

    /// Disables an endpoint and, the first time, tells every admin by email in the same transaction.
    private func disable(_ delivery: WebhookRepository.Claimed, reason: String, in tx: Transaction, at now: Date) async throws {
        guard try await tx.webhooks.disable(endpointID: delivery.endpointID, reason: reason, at: now) else { return }
        logger.warning("webhook endpoint disabled", metadata: ["endpoint_id": "\(delivery.endpointID)", "reason": "\(reason)"])
        try await EndpointDisabledNotice(endpointID: delivery.endpointID, url: delivery.url, reason: reason, portalURL: settings.portalURL)
            .queue(in: tx, at: now)
    }

    /// A share whose endpoint may not be called: the first delivery fails its attempt with the reason.
    private func refuse(_ share: [WebhookRepository.Claimed], reason: String) async {
        guard let first = share.first else { return }
        let attempt = WebhookAttempt(
            attempt: first.attempt, sentAt: Date(), durationMilliseconds: 0, signedTimestamp: Int64(Date().timeIntervalSince1970),
            signature: "", statusCode: nil, responseHeaders: nil, responseBody: nil, error: reason)
        do {
            try await record(
                [Outcome(delivery: first, attempt: attempt, succeeded: false, retryAfter: nil)], putBack: Array(share.dropFirst()),
                leaseEnd: Date())
        } catch {
            logger.error("cannot record webhook refusal", metadata: ["endpoint_id": "\(first.endpointID)", "error": "\(error)"])
        }
    }
}
