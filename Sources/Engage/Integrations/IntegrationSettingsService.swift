import Foundation

/// Admins' settings of each partner (token and callback secret sealed, never shown back), the
/// connection test, and what workers and callbacks read of them.
public struct IntegrationSettingsService: Sendable {
    private let database: Database
    private let seal: SecretSeal
    private let http: PartnerHTTP
    private let limits: [Partner: PartnerRateLimit]
    /// Callback secrets from the environment, used while settings hold none.
    private let fallbackSecrets: [Partner: String]
    private let retries: [Duration]

    public init(
        database: Database, seal: SecretSeal, http: PartnerHTTP, limits: [Partner: PartnerRateLimit], fallbackSecrets: [Partner: String],
        retries: [Duration] = SyncSettings().requestRetries
    ) {
        self.retries = retries
        self.database = database
        self.seal = seal
        self.http = http
        self.limits = limits
        self.fallbackSecrets = fallbackSecrets
    }

    static let fields: Set<String> = ["api_token", "remove_api_token", "base_url", "webhook_secret", "remove_webhook_secret", "schedule_minutes"]
    /// Automatic syncs run at most this often and at least daily.
    public static let scheduleRange = 5...1440

    /// Both partners' settings (admins).
    public func all(by actor: Actor) async throws -> [IntegrationSettings] {
        try actor.requireAdmin()
        return try await database.read { tx in
            let stored = try await tx.integrations.all()
            return Partner.allCases.map { partner in stored.first { $0.settings.partner == partner }?.settings ?? .unset(partner) }
        }
    }

    public func find(_ partner: Partner, by actor: Actor) async throws -> IntegrationSettings {
        try actor.requireAdmin()
        return try await database.read { try await $0.integrations.find(partner)?.settings } ?? .unset(partner)
    }

    /// Changes what `input` mentions: a token or secret given replaces the stored one, `remove_…`
    /// clears it, a blank one keeps it; a null `base_url` is the partner's default; `schedule_minutes` null (or blank in a form) turns the schedule off.
    public func update(_ partner: Partner, _ input: Input, by actor: Actor) async throws -> IntegrationSettings {
        try actor.requireAdmin()
        var reader = InputReader(input, allowed: Self.fields)
        let token = reader.text("api_token", label: "API token", max: 1000)
        let removeToken = reader.flag("remove_api_token", label: "Remove the API token")
        let baseURL = reader.url("base_url", label: "Base URL")
        let secret = reader.text("webhook_secret", label: "Webhook secret", min: 16, max: 256)
        let removeSecret = reader.flag("remove_webhook_secret", label: "Remove the webhook secret")
        let schedule = reader.integer("schedule_minutes", label: "Schedule (minutes)", in: Self.scheduleRange)
        if case .value = token, removeToken { reader.report("remove_api_token", .invalidValue, "Give a new API token or remove it, not both.") }
        if case .value = secret, removeSecret {
            reader.report("remove_webhook_secret", .invalidValue, "Give a new webhook secret or remove it, not both.")
        }
        return try await database.write { tx in
            let stored = try await tx.integrations.find(partner, lock: true)
            let current = stored?.settings ?? .unset(partner)
            // Cleared, it goes back to the partner's public address (ProjectFlow has none).
            let address = if case .null = baseURL { partner.defaultBaseURL } else { baseURL.merged(over: current.baseURL) }
            if address == nil { reader.report("base_url", .required, "Base URL is required: \(partner.displayName)'s API address.") }
            try reader.finish()
            var sealedToken = removeToken ? nil : stored?.sealedToken
            var last4 = removeToken ? nil : current.tokenLast4
            if case .value(let text) = token {
                sealedToken = try seal.seal(text)
                last4 = String(text.suffix(4))
            }
            var sealedSecret = removeSecret ? nil : stored?.sealedWebhookSecret
            if case .value(let text) = secret { sealedSecret = try seal.seal(text) }
            try await tx.integrations.save(
                partner, sealedToken: sealedToken, tokenLast4: last4, baseURL: address ?? "", sealedWebhookSecret: sealedSecret,
                scheduleMinutes: schedule.merged(over: current.scheduleMinutes), by: actor.userID, at: Date())
            guard let saved = try await tx.integrations.find(partner)?.settings else { throw RecordNotFound("Integration", id: 0) }
            return saved
        }
    }

    /// What a connection test found, in words.
    public struct ConnectionTest: Sendable, Equatable {
        public let succeeded: Bool
        public let message: String
    }

    /// Calls the partner's cheapest authenticated endpoint once and says what happened.
    public func testConnection(_ partner: Partner, by actor: Actor) async throws -> ConnectionTest {
        try actor.requireAdmin()
        guard let access = try await access(partner) else {
            return ConnectionTest(succeeded: false, message: "\(partner.displayName) has no API token yet: save one first.")
        }
        do {
            let feed = partner.feed(baseURL: access.baseURL)
            let body = try await client(access, patient: false).get(feed.probeURL)
            guard let account = feed.account(body) else {
                return ConnectionTest(succeeded: true, message: "Connected to \(partner.displayName), but its answer did not name the account.")
            }
            return ConnectionTest(succeeded: true, message: "Connected to \(partner.displayName) as \(account).")
        } catch let failure as PartnerFailure {
            return ConnectionTest(succeeded: false, message: failure.description)
        }
    }

    /// The token and address a worker calls with; nil until a token is set.
    func access(_ partner: Partner) async throws -> PartnerAccess? {
        guard let stored = try await database.read({ try await $0.integrations.find(partner) }), let sealed = stored.sealedToken,
              let baseURL = stored.settings.baseURL
        else { return nil }
        return PartnerAccess(partner: partner, token: try seal.open(sealed), baseURL: baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL)
    }

    /// A client for `access`; an impatient one (a person waits on it) tries once and waits little.
    func client(_ access: PartnerAccess, patient: Bool) -> PartnerClient {
        var client = PartnerClient(access: access, http: http, database: database, limit: limits[access.partner] ?? PartnerRateLimit(limit: 0))
        client.retries = retries
        if !patient {
            client.retries = []
            client.patience = .seconds(5)
            client.timeout = .seconds(10)
        }
        return client
    }

    /// The secret that signs a partner's callbacks: the one in settings, else the environment's.
    public func callbackSecret(_ partner: Partner) async throws -> String? {
        if let sealed = try await database.read({ try await $0.integrations.find(partner)?.sealedWebhookSecret }) {
            return try seal.open(sealed)
        }
        return fallbackSecrets[partner]
    }
}
