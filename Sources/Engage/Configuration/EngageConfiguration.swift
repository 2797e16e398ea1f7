import Foundation
import Logging
import MariaDB

/// Everything the application reads from its environment, validated once at start-up.
///
/// Values come from environment variables, then from a `.env` file in the working directory for
/// variables the environment does not set. Each invalid value stops start-up with a one-line
/// error that names the variable.
public struct EngageConfiguration: Sendable {
    /// The MariaDB server and database (`ENGAGE_DATABASE_URL`).
    public var database: MariaDBConfiguration
    /// Connections in the pool (`ENGAGE_DATABASE_POOL_SIZE`, default 8).
    public var databasePoolSize: Int
    /// Address the HTTP server binds (`ENGAGE_HTTP_HOST`, default 127.0.0.1).
    public var httpHost: String
    /// Port the HTTP server binds (`ENGAGE_HTTP_PORT`, default 8080).
    public var httpPort: Int
    /// The public address of the portal, used in links sent to recipients (`ENGAGE_BASE_URL`).
    public var baseURL: URL
    /// Minimum log level (`ENGAGE_LOG_LEVEL`, default info).
    public var logLevel: Logger.Level
    /// Text lines or one JSON object per line (`ENGAGE_LOG_FORMAT`, default text).
    public var logFormat: LogFormat
    /// Where `serve` and `worker` answer `GET /metrics` for Prometheus (`ENGAGE_METRICS_PORT`); none when unset.
    public var metricsPort: Int?
    /// The address the metrics port binds (`ENGAGE_METRICS_HOST`, default 127.0.0.1): keep it off the public network.
    public var metricsHost: String
    /// The folder holding Templates/, Public/ and Migrations/ (`ENGAGE_ROOT`, default the working directory).
    public var rootDirectory: String
    /// API requests allowed per caller per minute (`ENGAGE_API_RATE_LIMIT`, default 600).
    public var apiRateLimit: Int
    /// The HS256 key of API access tokens (`ENGAGE_JWT_SECRET`, at least 32 characters); `serve` needs it.
    public var jwtSecret: String?
    /// The 32-byte key that seals link secrets in the outbox (`ENGAGE_SECRET_KEY`, base64).
    public var secretKey: Data?

    /// Where uploaded files (document PDFs) are kept (`ENGAGE_STORAGE_DIR`, default `.data/storage` under the root).
    public var storageDirectory: String
    /// The largest PDF staff may upload, in bytes (`ENGAGE_PDF_MAX_BYTES`, default 10 MiB).
    public var pdfMaximumBytes: Int
    /// The business recipients see as the sender (`ENGAGE_COMPANY_NAME`, default "Oui Engage").
    public var companyName: String
    /// Reverse proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed
    /// (`ENGAGE_TRUSTED_PROXIES`: CIDR blocks or addresses, comma-separated; none by default).
    public var trustedProxies: [IPNetwork]
    /// An email open or a tracked click counts once per message and client address in this many
    /// seconds (`ENGAGE_TRACKING_WINDOW_SECONDS`, default 3600; 0 counts every hit).
    public var trackingWindow: Int
    /// Requests one client address may make to the recipients' routes (`/p/`, `/t/`, `/r/`) per
    /// minute (`ENGAGE_PUBLIC_RATE_LIMIT`, default 300; 0 for no limit).
    public var publicRateLimit: Int

    /// The SMTP server (`ENGAGE_SMTP_URL`, `smtp://host:587` or `smtps://host:465`, with
    /// `ENGAGE_SMTP_USERNAME`, `ENGAGE_SMTP_PASSWORD`, `ENGAGE_SMTP_STARTTLS` and `ENGAGE_SMTP_TIMEOUT`);
    /// nil writes mail as `.eml` files under `mailDirectory`.
    public var smtp: SMTPTransport.Settings?
    /// The sender of every email (`ENGAGE_MAIL_FROM`, default `no-reply@` the base URL's host).
    public var mailFrom: String
    /// Where mail and SMS go without a server or provider (`ENGAGE_MAIL_DIR`, default `.data/mail` under the root).
    public var mailDirectory: String
    /// The SMS provider (`ENGAGE_SMS_URL`, `ENGAGE_SMS_ACCOUNT`, `ENGAGE_SMS_TOKEN`, `ENGAGE_SMS_FROM`);
    /// nil writes SMS to `sms.log` under `mailDirectory`.
    public var sms: TwilioSMSTransport.Settings?
    /// Outbox pacing and retries (`ENGAGE_OUTBOX_*`).
    public var outbox: OutboxSettings
    /// Reminder timing (`ENGAGE_REMINDER_DAYS_BEFORE_DUE`, `ENGAGE_REMINDER_DAYS_BEFORE_EXPIRY`).
    public var reminders: ReminderSettings
    /// Webhook delivery (`ENGAGE_WEBHOOK_ALLOW_PRIVATE`, `ENGAGE_WEBHOOK_TIMEOUT_SECONDS`, `ENGAGE_WEBHOOK_CONNECTIONS`).
    public var webhooks: WebhookSettings
    /// The secrets partners sign their callbacks with (`ENGAGE_PENNYLANE_WEBHOOK_SECRET`,
    /// `ENGAGE_PROJECTFLOW_WEBHOOK_SECRET`); without one, that partner's callbacks are refused.
    public var callbackSecrets: [Partner: String]
    /// The days analytics cut time into (`ENGAGE_TIME_ZONE`, an IANA zone, default `Europe/Paris`).
    public var days: LocalDays
    /// Whether events are counted for analytics as they are written (`ENGAGE_ANALYTICS_COUNTING`,
    /// `on` or `off`, default on); off only for measuring that cost or a bulk load followed by
    /// `engage analytics-rebuild`.
    public var analyticsCounting: Bool
    /// Sync jobs (`ENGAGE_SYNC_LEASE_SECONDS`).
    public var sync: SyncSettings
    /// Requests per 5 seconds each partner token may make (`ENGAGE_PENNYLANE_RATE_LIMIT`, default
    /// 25 as Pennylane allows; `ENGAGE_PROJECTFLOW_RATE_LIMIT`, default 0: none).
    public var partnerRateLimits: [Partner: PartnerRateLimit]

    /// Characters a JWT secret needs at the least (256 bits of base64 or hex).
    public static let minimumJWTSecretLength = 32

    /// Where migration files live.
    public var migrationsDirectory: String { rootDirectory + "/Migrations" }
    /// Where Mustache templates live.
    public var templatesDirectory: String { rootDirectory + "/Templates" }
    /// Where static files live.
    public var publicDirectory: String { rootDirectory + "/Public" }

    /// Scheme, host and port of the base URL, as browsers send it in the `Origin` header.
    public var origin: String {
        var origin = "\(baseURL.scheme ?? "http")://\(baseURL.host ?? "")"
        if let port = baseURL.port { origin += ":\(port)" }
        return origin
    }

    /// The JWT secret, or the error that stops `serve` when it is missing.
    public func requiredSecretKey() throws(ConfigurationError) -> Data {
        guard let secretKey else {
            throw ConfigurationError(variable: "ENGAGE_SECRET_KEY", problem: "is not set (32 random bytes in base64; make run generates one)")
        }
        return secretKey
    }

    public func requiredJWTSecret() throws(ConfigurationError) -> String {
        guard let jwtSecret else {
            throw ConfigurationError(
                variable: "ENGAGE_JWT_SECRET",
                problem: "is not set (at least \(Self.minimumJWTSecretLength) random characters; make run generates one)")
        }
        return jwtSecret
    }

    /// Reads and validates the configuration from `environment`, completed by the `.env` file at `dotEnvPath`.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        dotEnvPath: String? = ".env"
    ) throws(ConfigurationError) {
        var values = try dotEnvPath.map(DotEnvFile.read) ?? [:]
        values.merge(environment) { _, fromEnvironment in fromEnvironment }
        let reader = VariableReader(values: values)

        let databaseURL = try reader.required("ENGAGE_DATABASE_URL")
        do {
            database = try MariaDBConfiguration(url: databaseURL)
        } catch {
            throw ConfigurationError(variable: "ENGAGE_DATABASE_URL", problem: error.reason)
        }
        databasePoolSize = try reader.integer("ENGAGE_DATABASE_POOL_SIZE", default: 8, in: 1...500)
        httpHost = reader.optional("ENGAGE_HTTP_HOST") ?? "127.0.0.1"
        httpPort = try reader.integer("ENGAGE_HTTP_PORT", default: 8080, in: 1...65535)
        baseURL = try reader.baseURL("ENGAGE_BASE_URL", default: "http://\(httpHost):\(httpPort)")
        logLevel = try reader.logLevel("ENGAGE_LOG_LEVEL", default: .info)
        logFormat = try reader.logFormat("ENGAGE_LOG_FORMAT")
        metricsPort = try reader.integer("ENGAGE_METRICS_PORT", in: 1...65535)
        metricsHost = reader.optional("ENGAGE_METRICS_HOST") ?? "127.0.0.1"
        rootDirectory = reader.optional("ENGAGE_ROOT") ?? FileManager.default.currentDirectoryPath
        apiRateLimit = try reader.integer("ENGAGE_API_RATE_LIMIT", default: 600, in: 1...1_000_000)
        jwtSecret = reader.optional("ENGAGE_JWT_SECRET")
        secretKey = try reader.optional("ENGAGE_SECRET_KEY").map { text throws(ConfigurationError) in
            guard let key = Data(base64Encoded: text), key.count == 32 else {
                throw ConfigurationError(variable: "ENGAGE_SECRET_KEY", problem: "must be 32 bytes in base64 (head -c 32 /dev/urandom | base64)")
            }
            return key
        }
        storageDirectory = reader.optional("ENGAGE_STORAGE_DIR") ?? rootDirectory + "/.data/storage"
        pdfMaximumBytes = try reader.integer("ENGAGE_PDF_MAX_BYTES", default: 10 * 1024 * 1024, in: 1024...200 * 1024 * 1024)
        companyName = reader.optional("ENGAGE_COMPANY_NAME") ?? "Oui Engage"
        trustedProxies = try reader.networks("ENGAGE_TRUSTED_PROXIES")
        trackingWindow = try reader.integer("ENGAGE_TRACKING_WINDOW_SECONDS", default: 3600, in: 0...86_400 * 30)
        publicRateLimit = try reader.integer("ENGAGE_PUBLIC_RATE_LIMIT", default: 300, in: 0...10_000_000)
        let host = baseURL.host ?? "localhost"
        mailFrom = reader.optional("ENGAGE_MAIL_FROM") ?? "no-reply@\(host)"
        guard EmailAddress.isValid(mailFrom) else {
            throw ConfigurationError(variable: "ENGAGE_MAIL_FROM", problem: "must be an email address, got '\(mailFrom)'")
        }
        mailDirectory = reader.optional("ENGAGE_MAIL_DIR") ?? rootDirectory + "/.data/mail"
        smtp = try reader.smtp()
        sms = try reader.sms()
        outbox = OutboxSettings(
            maxAttempts: try reader.integer("ENGAGE_OUTBOX_MAX_ATTEMPTS", default: 8, in: 1...100),
            retryBase: .seconds(try reader.integer("ENGAGE_OUTBOX_RETRY_SECONDS", default: 60, in: 1...86_400)),
            lease: .seconds(try reader.integer("ENGAGE_OUTBOX_LEASE_SECONDS", default: 300, in: 10...86_400)),
            batchSize: try reader.integer("ENGAGE_OUTBOX_BATCH", default: 100, in: 1...1_000),
            connections: try reader.integer("ENGAGE_OUTBOX_CONNECTIONS", default: 4, in: 1...32))
        // Benchmarks shrink the three-day retry schedule to seconds; production keeps 1.
        let retryDivisor = try reader.integer("ENGAGE_WEBHOOK_RETRY_DIVISOR", default: 1, in: 1...1_000_000)
        webhooks = WebhookSettings(
            allowPrivate: try reader.integer("ENGAGE_WEBHOOK_ALLOW_PRIVATE", default: 0, in: 0...1) == 1,
            timeout: .seconds(try reader.integer("ENGAGE_WEBHOOK_TIMEOUT_SECONDS", default: 5, in: 1...60)),
            connections: try reader.integer("ENGAGE_WEBHOOK_CONNECTIONS", default: 8, in: 1...64),
            retrySchedule: WebhookSettings.standardSchedule.map { $0 / retryDivisor },
            portalURL: baseURL,
            retention: .seconds(86_400 * (try reader.integer("ENGAGE_WEBHOOK_RETENTION_DAYS", default: 30, in: 1...3650))))
        callbackSecrets = [
            .pennylane: reader.optional("ENGAGE_PENNYLANE_WEBHOOK_SECRET"), .projectflow: reader.optional("ENGAGE_PROJECTFLOW_WEBHOOK_SECRET"),
        ].compactMapValues { $0 }
        let zoneName = reader.optional("ENGAGE_TIME_ZONE") ?? "Europe/Paris"
        guard let zone = TimeZone(identifier: zoneName) else {
            throw ConfigurationError(variable: "ENGAGE_TIME_ZONE", problem: "must be an IANA time zone such as Europe/Paris, got '\(zoneName)'")
        }
        days = LocalDays(zone: zone)
        switch reader.optional("ENGAGE_ANALYTICS_COUNTING") ?? "on" {
        case "on": analyticsCounting = true
        case "off": analyticsCounting = false
        case let other: throw ConfigurationError(variable: "ENGAGE_ANALYTICS_COUNTING", problem: "must be on or off, got '\(other)'")
        }
        sync = SyncSettings(lease: .seconds(try reader.integer("ENGAGE_SYNC_LEASE_SECONDS", default: 120, in: 1...3600)))
        partnerRateLimits = [
            .pennylane: PartnerRateLimit(limit: try reader.integer("ENGAGE_PENNYLANE_RATE_LIMIT", default: 25, in: 0...10_000)),
            .projectflow: PartnerRateLimit(limit: try reader.integer("ENGAGE_PROJECTFLOW_RATE_LIMIT", default: 0, in: 0...10_000)),
        ]
        reminders = ReminderSettings(
            daysBeforeDue: try reader.integer("ENGAGE_REMINDER_DAYS_BEFORE_DUE", default: 3, in: 0...60),
            daysBeforeExpiry: try reader.integer("ENGAGE_REMINDER_DAYS_BEFORE_EXPIRY", default: 2, in: 0...60))
        if let jwtSecret, jwtSecret.count < Self.minimumJWTSecretLength {
            throw ConfigurationError(
                variable: "ENGAGE_JWT_SECRET", problem: "must be at least \(Self.minimumJWTSecretLength) characters long")
        }
        guard FileManager.default.fileExists(atPath: rootDirectory + "/Templates") else {
            throw ConfigurationError(
                variable: "ENGAGE_ROOT",
                problem: "'\(rootDirectory)' has no Templates folder; point it at the project checkout")
        }
    }
}

/// A configuration variable that is missing or invalid.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The environment variable at fault.
    public let variable: String
    /// What is wrong with it.
    public let problem: String

    /// An error about `variable`.
    public init(variable: String, problem: String) {
        self.variable = variable
        self.problem = problem
    }

    public var description: String { "\(variable): \(problem)" }
}

/// Typed access to configuration variables with errors that name the variable.
private struct VariableReader {
    let values: [String: String]

    /// A comma-separated list of CIDR blocks or addresses; every bad one is named.
    func networks(_ name: String) throws(ConfigurationError) -> [IPNetwork] {
        let items = (optional(name) ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let invalid = items.filter { IPNetwork($0) == nil }
        guard invalid.isEmpty else {
            throw ConfigurationError(variable: name, problem: "not CIDR blocks or addresses: \(invalid.joined(separator: ", "))")
        }
        return items.compactMap(IPNetwork.init)
    }

    func optional(_ name: String) -> String? {
        guard let value = values[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    func required(_ name: String) throws(ConfigurationError) -> String {
        guard let value = optional(name) else {
            throw ConfigurationError(variable: name, problem: "is not set")
        }
        return value
    }

    func integer(_ name: String, default fallback: Int, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        try integer(name, in: range) ?? fallback
    }

    /// A whole number within `range`, or nil when the variable is unset.
    func integer(_ name: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
        guard let text = optional(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw ConfigurationError(
                variable: name, problem: "must be a whole number from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
        }
        return value
    }

    func baseURL(_ name: String, default fallback: String) throws(ConfigurationError) -> URL {
        var text = optional(name) ?? fallback
        // Links are built as baseURL + "/path", so a trailing slash would double up.
        while text.hasSuffix("/") { text.removeLast() }
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty, url.query == nil
        else {
            throw ConfigurationError(variable: name, problem: "must be an http(s) URL such as https://engage.example.com, got '\(text)'")
        }
        return url
    }

    func smtp() throws(ConfigurationError) -> SMTPTransport.Settings? {
        guard let text = optional("ENGAGE_SMTP_URL") else { return nil }
        guard let url = URL(string: text), let scheme = url.scheme, ["smtp", "smtps"].contains(scheme),
              let host = url.host, !host.isEmpty, url.user == nil
        else {
            throw ConfigurationError(
                variable: "ENGAGE_SMTP_URL",
                problem: "must be smtp://host:port or smtps://host:port (credentials go in ENGAGE_SMTP_USERNAME and ENGAGE_SMTP_PASSWORD)")
        }
        let loopback = ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host)
        let requireTLS: Bool
        switch optional("ENGAGE_SMTP_STARTTLS")?.lowercased() {
        case nil: requireTLS = !loopback
        case "required": requireTLS = true
        case "optional": requireTLS = false
        case let other?:
            throw ConfigurationError(variable: "ENGAGE_SMTP_STARTTLS", problem: "must be required or optional, got '\(other)'")
        }
        return SMTPTransport.Settings(
            url: url, username: optional("ENGAGE_SMTP_USERNAME"), password: optional("ENGAGE_SMTP_PASSWORD"), requireTLS: requireTLS,
            timeout: .seconds(try integer("ENGAGE_SMTP_TIMEOUT", default: 30, in: 1...600)))
    }

    func sms() throws(ConfigurationError) -> TwilioSMSTransport.Settings? {
        guard let text = optional("ENGAGE_SMS_URL") else { return nil }
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw ConfigurationError(variable: "ENGAGE_SMS_URL", problem: "must be an http(s) URL such as https://api.twilio.com, got '\(text)'")
        }
        let from = try required("ENGAGE_SMS_FROM")
        return TwilioSMSTransport.Settings(
            url: url, account: try required("ENGAGE_SMS_ACCOUNT"), token: try required("ENGAGE_SMS_TOKEN"), from: from)
    }

    func logFormat(_ name: String) throws(ConfigurationError) -> LogFormat {
        guard let text = optional(name) else { return .text }
        guard let format = LogFormat(rawValue: text.lowercased()) else {
            throw ConfigurationError(variable: name, problem: "must be text or json, got '\(text)'")
        }
        return format
    }

    func logLevel(_ name: String, default fallback: Logger.Level) throws(ConfigurationError) -> Logger.Level {
        guard let text = optional(name) else { return fallback }
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            let allowed = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            throw ConfigurationError(variable: name, problem: "must be one of \(allowed), got '\(text)'")
        }
        return level
    }
}
