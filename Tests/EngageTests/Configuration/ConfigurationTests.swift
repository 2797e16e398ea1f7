import Engage
import Foundation
import TestSupport
import Testing

@Suite("Configuration from the environment")
struct ConfigurationTests {
    private let base = [
        "ENGAGE_DATABASE_URL": "mariadb://engage:pw@localhost/engage?socket=/tmp/x.sock",
        "ENGAGE_ROOT": Checkout.root.path,
    ]

    private func load(_ overrides: [String: String], dotEnv: String? = nil) throws(ConfigurationError) -> EngageConfiguration {
        try EngageConfiguration(environment: base.merging(overrides) { $1 }, dotEnvPath: dotEnv)
    }

    @Test("defaults fill what is not set")
    func defaults() throws {
        let configuration = try load([:])
        #expect(configuration.httpHost == "127.0.0.1")
        #expect(configuration.httpPort == 8080)
        #expect(configuration.baseURL.absoluteString == "http://127.0.0.1:8080")
        #expect(configuration.logLevel == .info)
        #expect(configuration.logFormat == .text)
        #expect(configuration.metricsPort == nil)
        #expect(configuration.metricsHost == "127.0.0.1")
        #expect(try load(["ENGAGE_METRICS_PORT": "9464", "ENGAGE_LOG_FORMAT": "JSON"]).metricsPort == 9464)
        #expect(configuration.databasePoolSize == 8)
        #expect(configuration.database.unixSocket == "/tmp/x.sock")
        #expect(configuration.trustedProxies.isEmpty)
        #expect(try load(["ENGAGE_TRUSTED_PROXIES": "10.0.0.0/8, ::1"]).trustedProxies.map(\.description) == ["10.0.0.0/8", "::1/128"])
    }

    @Test("each bad value names its variable", arguments: [
        (["ENGAGE_DATABASE_URL": ""], "ENGAGE_DATABASE_URL: is not set"),
        (["ENGAGE_DATABASE_URL": "postgres://x@y/z"], "ENGAGE_DATABASE_URL: must start with mariadb://"),
        (["ENGAGE_TRUSTED_PROXIES": "10.0.0.0/8, proxy.local, 10.0.0.0/33"], "ENGAGE_TRUSTED_PROXIES: not CIDR blocks or addresses: proxy.local, 10.0.0.0/33"),
        (["ENGAGE_HTTP_PORT": "eighty"], "ENGAGE_HTTP_PORT: must be a whole number from 1 to 65535, got 'eighty'"),
        (["ENGAGE_HTTP_PORT": "70000"], "ENGAGE_HTTP_PORT: must be a whole number from 1 to 65535, got '70000'"),
        (["ENGAGE_BASE_URL": "ftp://files"], "ENGAGE_BASE_URL: must be an http(s) URL"),
        (["ENGAGE_LOG_LEVEL": "loud"], "ENGAGE_LOG_LEVEL: must be one of trace, debug, info"),
        (["ENGAGE_LOG_FORMAT": "xml"], "ENGAGE_LOG_FORMAT: must be text or json, got 'xml'"),
        (["ENGAGE_METRICS_PORT": "0"], "ENGAGE_METRICS_PORT: must be a whole number from 1 to 65535, got '0'"),
        (["ENGAGE_DATABASE_POOL_SIZE": "0"], "ENGAGE_DATABASE_POOL_SIZE: must be a whole number from 1 to 500"),
        (["ENGAGE_ROOT": "/nonexistent"], "ENGAGE_ROOT: '/nonexistent' has no Templates folder"),
    ])
    func invalid(overrides: [String: String], message: String) {
        #expect {
            _ = try load(overrides)
        } throws: { error in
            "\(error)".hasPrefix(message) && !"\(error)".contains("\n")
        }
    }

    @Test("a .env file fills variables the environment leaves unset")
    func dotEnv() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("engage-\(UUID()).env").path
        try """
            # local settings
            export ENGAGE_HTTP_PORT=9090
            ENGAGE_BASE_URL="https://engage.example.com/"
            ENGAGE_LOG_LEVEL='debug'
            """.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let configuration = try load(["ENGAGE_LOG_LEVEL": "warning"], dotEnv: path)
        #expect(configuration.httpPort == 9090)
        #expect(configuration.baseURL.absoluteString == "https://engage.example.com")
        #expect(configuration.logLevel == .warning)
    }

    @Test("a malformed .env line is reported with its line number")
    func badDotEnv() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("engage-\(UUID()).env").path
        try "ENGAGE_HTTP_PORT=1\nnot a setting\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: ConfigurationError(variable: "\(path) line 2", problem: "is not KEY=value")) {
            try load([:], dotEnv: path)
        }
    }
}
