import Foundation

/// How webhooks are delivered and retried.
public struct WebhookSettings: Sendable {
    /// Reach private and loopback addresses too (`ENGAGE_WEBHOOK_ALLOW_PRIVATE=1`; development and tests).
    public var allowPrivate: Bool
    /// How long a receiver has to answer (`ENGAGE_WEBHOOK_TIMEOUT_SECONDS`, default 5).
    public var timeout: Duration
    /// Endpoints a worker delivers to at once (`ENGAGE_WEBHOOK_CONNECTIONS`, default 8).
    public var connections: Int
    /// Deliveries claimed at a time.
    public var batchSize: Int
    /// How long claimed deliveries belong to their worker.
    public var lease: Duration
    /// The waits after the 1st, 2nd… failed attempt; one attempt more than waits, then the delivery fails.
    public var retrySchedule: [Duration]
    /// After failing this long without a success, an endpoint is disabled.
    public var disableAfter: Duration
    /// How long a rotated-out secret keeps signing.
    public var secretOverlap: Duration
    /// The pause when nothing is due.
    public var pollInterval: Duration
    /// The portal's address, for the link in the notice sent to admins when an endpoint is disabled.
    public var portalURL: URL
    /// How long finished deliveries (with their attempts) and processed callbacks are kept
    /// (`ENGAGE_WEBHOOK_RETENTION_DAYS`, default 30).
    public var retention: Duration

    /// About 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, 14 h and 20 h: 10 attempts over about three days.
    public static let standardSchedule: [Duration] = [
        .seconds(5), .seconds(300), .seconds(1800), .seconds(7200), .seconds(18_000),
        .seconds(36_000), .seconds(36_000), .seconds(50_400), .seconds(72_000),
    ]

    public init(
        allowPrivate: Bool = false, timeout: Duration = .seconds(5), connections: Int = 8, batchSize: Int = 200,
        lease: Duration = .seconds(300), retrySchedule: [Duration] = Self.standardSchedule, disableAfter: Duration = .seconds(86_400),
        secretOverlap: Duration = .seconds(86_400), pollInterval: Duration = .milliseconds(500),
        portalURL: URL = URL(string: "http://localhost:8080")!, retention: Duration = .seconds(30 * 86_400)
    ) {
        self.allowPrivate = allowPrivate
        self.timeout = timeout
        self.connections = connections
        self.batchSize = batchSize
        self.lease = lease
        self.retrySchedule = retrySchedule
        self.disableAfter = disableAfter
        self.secretOverlap = secretOverlap
        self.pollInterval = pollInterval
        self.portalURL = portalURL
        self.retention = retention
    }

    /// Attempts before a delivery fails for good.
    var maxAttempts: Int { retrySchedule.count + 1 }

    /// When a delivery that failed its `attempt`-th try goes again: the schedule's wait, ±10%, or
    /// what the receiver asked for in `Retry-After` when that is longer; nil when no attempt is left.
    func retryDelay(afterAttempt attempt: Int, retryAfter: Duration?) -> Duration? {
        guard attempt >= 1, attempt <= retrySchedule.count else { return nil }
        let planned = retrySchedule[attempt - 1] * Double.random(in: 0.9...1.1)
        guard let retryAfter else { return planned }
        return max(planned, min(retryAfter, .seconds(86_400)))
    }
}
