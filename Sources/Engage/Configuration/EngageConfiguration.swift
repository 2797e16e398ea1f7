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
    /// The folder holding Templates/, Public/ and Migrations/ (`ENGAGE_ROOT`, default the working directory).
    public var rootDirectory: String
    /// API requests allowed per caller per minute (`ENGAGE_API_RATE_LIMIT`, default 600).
    public var apiRateLimit: Int
    /// The HS256 key of API access tokens (`ENGAGE_JWT_SECRET`, at least 32 characters); `serve` needs it.
    public var jwtSecret: String?

    /// Where uploaded files (document PDFs) are kept (`ENGAGE_STORAGE_DIR`, default `.data/storage` under the root).
    public var storageDirectory: String
    /// The largest PDF staff may upload, in bytes (`ENGAGE_PDF_MAX_BYTES`, default 10 MiB).
    public var pdfMaximumBytes: Int
    /// The business recipients see as the sender (`ENGAGE_COMPANY_NAME`, default "Oui Engage").
    public var companyName: String

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
        rootDirectory = reader.optional("ENGAGE_ROOT") ?? FileManager.default.currentDirectoryPath
        apiRateLimit = try reader.integer("ENGAGE_API_RATE_LIMIT", default: 600, in: 1...1_000_000)
        jwtSecret = reader.optional("ENGAGE_JWT_SECRET")
        storageDirectory = reader.optional("ENGAGE_STORAGE_DIR") ?? rootDirectory + "/.data/storage"
        pdfMaximumBytes = try reader.integer("ENGAGE_PDF_MAX_BYTES", default: 10 * 1024 * 1024, in: 1024...200 * 1024 * 1024)
        companyName = reader.optional("ENGAGE_COMPANY_NAME") ?? "Oui Engage"
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
        guard let text = optional(name) else { return fallback }
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

    func logLevel(_ name: String, default fallback: Logger.Level) throws(ConfigurationError) -> Logger.Level {
        guard let text = optional(name) else { return fallback }
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            let allowed = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            throw ConfigurationError(variable: name, problem: "must be one of \(allowed), got '\(text)'")
        }
        return level
    }
}
