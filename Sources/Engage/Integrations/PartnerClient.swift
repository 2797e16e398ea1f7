import Foundation

/// Why a partner's API could not be used, in words for staff.
public struct PartnerFailure: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Unreachable, TLS, 5xx or 429 beyond patience: worth trying later.
        case unavailable
        /// 401 or 403: the token is wrong or lacks a scope.
        case unauthorized
        /// Any other refusal, or an answer that is not what the API documents.
        case rejected
    }

    public let kind: Kind
    public let description: String
}

/// One partner's API as a job uses it: every request waits its turn in the token's shared rate
/// limit; a 429 pauses every worker for its `Retry-After`; an unreachable partner or a 5xx is
/// tried `retries.count` more times after the waits given, then the failure is thrown.
struct PartnerClient: Sendable {
    let access: PartnerAccess
    let http: PartnerHTTP
    let database: Database
    let limit: PartnerRateLimit
    var retries: [Duration] = SyncSettings().requestRetries
    /// The longest a 429 may make a request wait in all.
    var patience: Duration = .seconds(60)
    var timeout: Duration? = nil

    /// GETs `url` (absolute) and returns the JSON body of a 2xx answer.
    func get(_ url: String) async throws -> Data {
        try await send("GET", url: url, body: nil)
    }

    func send(_ method: String, url: String, body: Data?) async throws -> Data {
        var failures = 0
        var waited = Duration.zero
        while true {
            try await waitForTurn()
            let name = access.partner.displayName
            switch await http.send(method, url: url, token: access.token, body: body, timeout: timeout) {
            case .response(let status, let data, _) where (200..<300).contains(status):
                return data
            case .response(429, _, let retryAfter):
                let pause = min(max(retryAfter ?? .seconds(5), .milliseconds(100)), .seconds(60))
                waited += pause
                guard waited <= patience else {
                    throw PartnerFailure(kind: .unavailable, description: "\(name) kept answering 429 Too Many Requests.")
                }
                try await database.statements { try await $0.rateLimits.pause(access.rateBucket, until: Date().addingTimeInterval(pause.seconds)) }
            case .response(let status, _, _) where status >= 500:
                guard failures < retries.count else {
                    throw PartnerFailure(kind: .unavailable, description: "\(name) answered \(status) \(retries.count + 1) times in a row.")
                }
                try await Task.sleep(for: retries[failures])
                failures += 1
            case .response(let status, _, _) where status == 401 || status == 403:
                throw PartnerFailure(kind: .unauthorized, description: "\(name) refused the API token (\(status)): check it and its scopes.")
            case .response(let status, let data, _):
                let excerpt = String(decoding: data.prefix(200), as: UTF8.self)
                throw PartnerFailure(kind: .rejected, description: "\(name) answered \(status) to \(method) \(Self.path(of: url)): \(excerpt)")
            case .unreachable(let reason):
                guard failures < retries.count else {
                    throw PartnerFailure(kind: .unavailable, description: "Could not reach \(name): \(reason)")
                }
                try await Task.sleep(for: retries[failures])
                failures += 1
            case .tls(let reason):
                guard failures < retries.count else {
                    throw PartnerFailure(kind: .unavailable, description: "The TLS connection to \(name) failed: \(reason)")
                }
                try await Task.sleep(for: retries[failures])
                failures += 1
            }
        }
    }

    /// Sleeps until the shared limit lets one more request go.
    private func waitForTurn() async throws {
        guard limit.limit > 0 else { return }
        while let wait = try await database.write({ try await limit.take(access.rateBucket, in: $0) }) {
            try await Task.sleep(for: wait)
        }
    }

    /// The path of a URL, for messages (its query may be long).
    static func path(of url: String) -> String {
        URLComponents(string: url)?.path ?? url
    }
}
