import Foundation
import Logging
import Metrics
import NIOPosix

/// How workers pace and retry deliveries.
public struct OutboxSettings: Sendable {
    /// Attempts before a message is dead (`ENGAGE_OUTBOX_MAX_ATTEMPTS`).
    public var maxAttempts: Int
    /// The wait after the first temporary failure, doubled after each further one, at most six hours
    /// (`ENGAGE_OUTBOX_RETRY_SECONDS`).
    public var retryBase: Duration
    /// How long a claimed message belongs to its worker (`ENGAGE_OUTBOX_LEASE_SECONDS`).
    public var lease: Duration
    /// Messages claimed at a time (`ENGAGE_OUTBOX_BATCH`).
    public var batchSize: Int
    /// Connections a worker sends over at once, per channel (`ENGAGE_OUTBOX_CONNECTIONS`).
    public var connections: Int
    /// The pause when nothing is due.
    public var pollInterval: Duration

    public init(
        maxAttempts: Int = 8, retryBase: Duration = .seconds(60), lease: Duration = .seconds(300), batchSize: Int = 100,
        connections: Int = 4, pollInterval: Duration = .seconds(1)
    ) {
        self.maxAttempts = maxAttempts
        self.retryBase = retryBase
        self.lease = lease
        self.batchSize = batchSize
        self.connections = connections
        self.pollInterval = pollInterval
    }

    /// When a message that failed for the `attempts`-th time is tried again.
    func retryDelay(afterAttempt attempts: Int) -> Duration {
        let doubled = retryBase * (1 << min(max(attempts - 1, 0), 20))
        return min(doubled, .seconds(6 * 3600))
    }
}

/// Delivers the outbox. Any number of workers, in any number of processes, may run at once:
/// each claims due messages with `FOR UPDATE SKIP LOCKED` under a lease, sends them outside any
/// transaction over a few kept-open connections, and records each outcome as soon as it is known,
/// so a worker that dies leaves at most the messages it was sending to be sent again.
public final class OutboxWorker: Sendable {
    private let database: Database
    private let transports: [MessageChannel: any MessageTransport]
    private let settings: OutboxSettings
    /// Opens the sealed link secrets of the messages it sends.
    private let seal: SecretSeal
    private let reminders: ReminderService?
    /// Makes the completed PDFs that copies to parties carry; none: such messages wait.
    private let certificates: CertificateService?
    private let logger: Logger
    /// Names this worker in `locked_by`.
    public let name: String
    /// Threads for libcurl's blocking calls, one per connection and channel.
    private let threads: NIOThreadPool
    /// The claimed messages and the connections that send them.
    private let lanes: DeliveryLanes
    /// Marks what was sent in groups.
    private let sent: SentRecorder

    public init(
        database: Database, transports: [MessageChannel: any MessageTransport], settings: OutboxSettings,
        seal: SecretSeal, reminders: ReminderService? = nil, certificates: CertificateService? = nil, logger: Logger
    ) {
        self.database = database
        self.seal = seal
        self.certificates = certificates
        self.transports = transports
        self.settings = settings
        self.reminders = reminders
        self.logger = logger
        name = "\(ProcessInfo.processInfo.hostName.prefix(40)):\(getpid()):\(SecretToken.randomHexID().prefix(6))"
        threads = NIOThreadPool(numberOfThreads: settings.connections * MessageChannel.allCases.count)
        threads.start()
        lanes = DeliveryLanes(sessions: transports.mapValues { transport in (0..<settings.connections).map { _ in transport.openSession() } })
        sent = SentRecorder { [database, name, logger] messages in
            await Self.causally { await Self.recordSent(messages, database: database, owner: name, logger: logger) }
        }
    }

    deinit {
        threads.shutdownGracefully { _ in }
    }

    /// Delivers until the task is cancelled; the messages claimed by then are sent first.
    public func run() async {
        logger.info("outbox worker started", metadata: ["worker": "\(name)"])
        var nextReminderScan = ContinuousClock.now
        var inFlight: [BatchProgress] = []
        while !Task.isCancelled {
            if let reminders, ContinuousClock.now >= nextReminderScan {
                nextReminderScan = ContinuousClock.now + .seconds(60)
                do {
                    try await reminders.queueDue()
                } catch {
                    logger.error("reminder scan failed", metadata: ["error": "\(error)"])
                }
            }
            guard let batch = await claimBatchLogged() else {
                try? await Task.sleep(for: settings.pollInterval)
                continue
            }
            let progress = enqueue(batch)
            inFlight.removeAll(where: \.isFinished)
            inFlight.append(progress)
            if batch.claimed >= settings.batchSize {
                // More are due: the next batch is claimed while half of this one still waits, so
                // the connections go from one batch to the next without idling on a claim.
                await lanes.waitUntilQueued(atMost: settings.batchSize / 2)
            } else {
                await progress.finished()
            }
        }
        for progress in inFlight { await progress.finished() }
        await sent.flush()
        logger.info("outbox worker stopped", metadata: ["worker": "\(name)"])
    }

    /// Messages claimed together, under one lease.
    struct Batch {
        let messages: [OutboxMessage]
        let leaseEnd: Date
        /// How many were claimed (some may wait for their file).
        let claimed: Int
    }

    private func claimBatchLogged() async -> Batch? {
        do {
            return try await claimBatch()
        } catch {
            logger.error("outbox batch failed", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Claims one batch of due messages and delivers it; returns how many were claimed.
    @discardableResult
    public func deliverBatch() async throws -> Int {
        guard let batch = try await claimBatch() else { return 0 }
        await enqueue(batch).finished()
        await sent.flush()
        return batch.claimed
    }

    /// Leases due messages and makes the files they carry; nil when none is due.
    private func claimBatch() async throws -> Batch? {
        let now = Date()
        let leaseEnd = now.addingTimeInterval(settings.lease.seconds)
        let claimed = try await claim(now: now, leaseEnd: leaseEnd)
        guard !claimed.isEmpty else { return nil }
        return Batch(messages: await attachingFiles(claimed), leaseEnd: leaseEnd, claimed: claimed.count)
    }

    /// Hands a batch to its channels' connections, starting a lane on each free one; the batch's
    /// progress ends once every message's outcome is recorded (sent ones handed to `sent`).
    private func enqueue(_ batch: Batch) -> BatchProgress {
        let progress = BatchProgress(count: batch.messages.count, leaseEnd: batch.leaseEnd)
        let claimed = batch.messages.map { ClaimedMessage(message: $0, batch: progress) }
        for session in lanes.add(claimed) {
            startLane(on: session)
        }
        return progress
    }

    /// Sends messages until none waits for the connection, on a thread of the worker's own, which
    /// never waits for the database: a sent message joins the group being marked sent, a failure is
    /// recorded by a task of its own, and the next message goes out meanwhile.
    private func startLane(on session: LaneSession) {
        threads.submit { [self] state in
            while let claimed = lanes.next(for: session) {
                // A message sent after its lease ended might be sent by another worker too: it is left for then.
                guard Date().addingTimeInterval(5) < claimed.batch.leaseEnd else {
                    claimed.batch.recorded()
                    continue
                }
                let outcome = attempt(claimed.message, over: session.delivery, threadsActive: state == .active)
                guard case .sent(let providerID) = outcome else {
                    Task {
                        await Self.causally { await recordFailure(of: claimed.message, outcome) }
                        claimed.batch.recorded()
                    }
                    continue
                }
                sent.add(SentMessage(id: claimed.message.id, providerID: providerID, leaseEnd: claimed.batch.leaseEnd))
                claimed.batch.recorded()
            }
        }
    }

    /// Outcomes are written by tasks that a lane's thread starts, and a thread that is not a task
    /// passes on no task-locals: they read causally (`Database.causalReads`), as the claims before
    /// them did, or a cluster node that has not applied a claim yet finds nothing to mark and the
    /// message is sent again when its lease ends.
    private static func causally(_ body: () async -> Void) async {
        await Database.$causalReads.withValue(true, operation: body)
    }

    /// The messages with the files they carry made (once per document and batch: every party's copy
    /// carries the same PDF); one whose file cannot be made now is tried again later.
    private func attachingFiles(_ messages: [OutboxMessage]) async -> [OutboxMessage] {
        var ready: [OutboxMessage] = []
        var made: [Int64: AttachedFile] = [:]
        for var message in messages {
            if let attachment = message.attachment {
                do {
                    guard let certificates, let documentID = message.documentID else { throw CertificatePDFFailed(reason: "no certificate service") }
                    switch attachment {
                    case .completedPDF:
                        if made[documentID] == nil {
                            let pdf = try await certificates.pdf(documentID: documentID)
                            made[documentID] = AttachedFile(filename: pdf.filename, contentType: "application/pdf", bytes: pdf.bytes)
                        }
                        message.files = made[documentID].map { [$0] } ?? []
                    }
                } catch {
                    await recordFailure(of: message, reason: "cannot attach \(attachment.rawValue): \(error)", permanent: false)
                    continue
                }
            }
            ready.append(message)
        }
        return ready
    }

    private static let claims = Counter(label: "engage_queue_claims_total", dimensions: [("queue", "outbox")])

    /// Leases a batch; two workers claiming at once may deadlock, and the loser simply claims again.
    /// Only what the claim still holds once committed is delivered (`Database.confirmedClaim`).
    private func claim(now: Date, leaseEnd: Date) async throws -> [OutboxMessage] {
        Self.claims.increment()
        let claimed = try await database.write(unit: "outbox_claim") { tx in
            try await tx.outbox.claim(limit: settings.batchSize, owner: name, leaseEnd: leaseEnd, now: now)
        }
        let held = try await database.confirmedClaim(
            claimed.map(\.id), of: "outbox_messages", queue: "outbox", owner: name, leaseEnd: leaseEnd)
        return claimed.filter { held.contains($0.id) }
    }

    private func attempt(_ message: OutboxMessage, over session: (any DeliverySession)?, threadsActive: Bool) -> DeliveryResult {
        if message.attempts > settings.maxAttempts {
            // Its earlier workers died while sending it: give up rather than loop.
            return .temporaryFailure(message.lastError ?? "worker lost while sending")
        }
        guard let session else { return .permanentFailure("no \(message.channel.rawValue) transport is configured") }
        guard threadsActive else { return .temporaryFailure("the worker is shutting down") }
        guard let outgoing = try? message.revealingLink(with: seal) else {
            return .permanentFailure("the link's sealed secret cannot be opened (was ENGAGE_SECRET_KEY changed?)")
        }
        return session.deliver(outgoing)
    }

    /// Marks a group of deliveries sent. It is written again when a claim elsewhere made it a deadlock
    /// victim, and while the database cannot be reached, until the lease ends: a row left `sending`
    /// would be sent twice once its lease ends.
    private static func recordSent(_ messages: [SentMessage], database: Database, owner name: String, logger: Logger) async {
        do {
            try await database.writeOutcome(until: messages.map(\.leaseEnd).min() ?? Date()) { tx in
                var marked = 0
                for (providerID, group) in Dictionary(grouping: messages, by: \.providerID) {
                    marked += try await tx.outbox.markSent(ids: group.map(\.id), owner: name, providerID: providerID)
                }
                // None marked: a commit whose answer was lost had done it already, announcements included.
                if marked > 0, try await tx.announces(.messageDelivered) {
                    for sent in messages {
                        if let message = try await tx.outbox.find(id: sent.id) { try await tx.announce(.messageDelivered, message) }
                    }
                }
            }
        } catch {
            logger.error("cannot record deliveries", metadata: ["outbox_message_ids": "\(messages.map(\.id))", "error": "\(error)"])
        }
    }

    /// Records a failed delivery (a sent one is marked by `sent`).
    private func recordFailure(of message: OutboxMessage, _ outcome: DeliveryResult) async {
        switch outcome {
        case .sent: return
        case .temporaryFailure(let reason): await recordFailure(of: message, reason: reason, permanent: false)
        case .permanentFailure(let reason): await recordFailure(of: message, reason: reason, permanent: true)
        }
    }

    /// Schedules another attempt after a temporary failure; ends the message after a permanent one or the last attempt.
    private func recordFailure(of message: OutboxMessage, reason: String, permanent: Bool) async {
        do {
            if permanent {
                try await finish(message, as: .failed, reason: reason)
            } else if message.attempts >= settings.maxAttempts {
                try await finish(message, as: .dead, reason: reason)
            } else {
                let retryAt = Date().addingTimeInterval(settings.retryDelay(afterAttempt: message.attempts).seconds)
                logger.warning("delivery failed, will retry", metadata: [
                    "outbox_message_id": "\(message.id)", "attempt": "\(message.attempts)", "error": "\(reason)",
                ])
                try await database.statements {
                    try await $0.outbox.markRetry(id: message.id, owner: name, error: reason, retryAt: retryAt)
                }
            }
        } catch {
            logger.error("cannot record delivery", metadata: ["outbox_message_id": "\(message.id)", "error": "\(error)"])
        }
    }

    /// Ends a message that will not be delivered, with an event on its document and its webhook in the same transaction.
    private func finish(_ message: OutboxMessage, as status: OutboxStatus, reason: String) async throws {
        logger.warning("message not delivered", metadata: [
            "outbox_message_id": "\(message.id)", "status": "\(status.rawValue)", "error": "\(reason)",
        ])
        try await database.write { tx in
            guard try await tx.outbox.markFinal(id: message.id, owner: name, status: status, error: reason) else { return }
            if try await tx.announces(.messageFailed), let ended = try await tx.outbox.find(id: message.id) {
                try await tx.announce(.messageFailed, ended)
            }
            guard let documentID = message.documentID else { return }
            _ = try await tx.change(
                documentID: documentID, .messageFailed(message.channel), linkID: message.linkID,
                details: [
                    "outbox_message_id": .number(Decimal(message.id)), "recipient": .string(message.recipient),
                    "status": .string(status.rawValue), "attempts": .number(Decimal(message.attempts)), "error": .string(reason),
                ])
        }
    }
}

extension Duration {
    /// The duration in seconds, as `TimeInterval`.
    var seconds: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
