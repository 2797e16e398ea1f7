/// One unit of work on one connection: the repositories a service works through. Each is a thin
/// view of the same connection, made on use; a `write` unit commits or rolls back as a whole.
struct Transaction: Sendable {
    let connection: SQLConnection
    /// The days events are counted in.
    let days: LocalDays
    /// Whether appended events are counted for analytics as they are written.
    let countsEvents: Bool

    init(_ connection: SQLConnection, days: LocalDays, countsEvents: Bool = true) {
        self.connection = connection
        self.days = days
        self.countsEvents = countsEvents
    }

    var documents: DocumentRepository { .init(connection: connection, days: days) }
    var events: DocumentEventRepository { .init(connection: connection, analytics: analytics, counts: countsEvents) }
    var analytics: AnalyticsRepository { .init(connection: connection, days: days) }
    var links: RecipientLinkRepository { .init(connection: connection) }
    var verifications: LinkVerificationRepository { .init(connection: connection) }
    var outbox: OutboxRepository { .init(connection: connection) }
    var templates: MessageTemplateRepository { .init(connection: connection) }
    var reminders: ReminderRepository { .init(connection: connection) }
    var contacts: ProfileRecordRepository { .init(connection: connection, table: .contacts) }
    var organizations: ProfileRecordRepository { .init(connection: connection, table: .organizations) }
    var users: UserRepository { .init(connection: connection) }
    var sessions: SessionRepository { .init(connection: connection) }
    var refreshTokens: RefreshTokenRepository { .init(connection: connection) }
    var apiKeys: APIKeyRepository { .init(connection: connection) }
    var rateCounters: RateCounterRepository { .init(connection: connection) }
    var signInFailures: SignInFailureRepository { .init(connection: connection) }
    var demo: DemoDataRepository { .init(connection: connection) }
    var exports: ExportRepository { .init(connection: connection) }
    var parties: PartyRepository { .init(connection: connection) }
    var webhooks: WebhookRepository { .init(connection: connection) }
    var callbacks: IncomingWebhookRepository { .init(connection: connection) }
    var idempotency: IdempotencyRepository { .init(connection: connection) }
    var integrations: IntegrationSettingsRepository { .init(connection: connection) }
    var syncJobs: SyncJobRepository { .init(connection: connection) }
    var rateLimits: PartnerRateLimitRepository { .init(connection: connection) }
    var pushes: PartnerPushRepository { .init(connection: connection) }
    var customers: CustomerRepository { .init(connection: connection) }
    var catalogue: CatalogueRepository { .init(connection: connection) }
    var priceTables: PriceTableRepository { .init(connection: connection) }
    var documentTemplates: TemplateRepository { .init(connection: connection) }
    var leads: LeadRepository { .init(connection: connection) }
    var queues: QueueRepository { .init(connection: connection) }
}
