import Crypto
import Foundation

/// Creating, listing, revoking and checking integrators' API keys.
public struct APIKeyService: Sendable {
    private let database: Database
    private let now: @Sendable () -> Date
    /// Seals the signing secrets of keys that require signed requests.
    private let seal: SecretSeal?

    /// A service over `database`.
    public init(database: Database, seal: SecretSeal? = nil, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.seal = seal
        self.now = now
    }

    /// How old a signed request's `X-Engage-Time` may be, either way.
    static let signatureTolerance: TimeInterval = 300

    /// What a new key is: the key, its signing secret when it requires signed requests (both shown
    /// this once), and the stored record.
    public struct Created: Sendable {
        public let secret: String
        public let signingSecret: String?
        public let key: APIKey
    }

    /// Creates a key, optionally expiring after `expiresInDays` (1 to 3650; empty for never), and
    /// optionally requiring every request to be signed with a secret of its own.
    public func create(
        name: String, role: String, expiresInDays: String = "", requireSignature: Bool = false, by creator: User
    ) async throws -> Created {
        let name = name.trimmingCharacters(in: .whitespaces)
        var problems: [ValidationError.FieldError] = []
        if name.isEmpty {
            problems.append(.init(field: "name", code: .required, message: "Name is required."))
        } else if name.count > 100 {
            problems.append(.init(field: "name", code: .tooLong, message: "Name must be at most 100 characters."))
        }
        let parsedRole = User.Role(rawValue: role)
        if parsedRole == nil {
            problems.append(.init(field: "role", code: .invalidValue, message: "Role must be admin, staff or viewer."))
        }
        var expiresAt: Date?
        let days = expiresInDays.trimmingCharacters(in: .whitespaces)
        if !days.isEmpty {
            if let count = Int(days), (1...3650).contains(count) {
                expiresAt = now().addingTimeInterval(Double(count) * 86_400)
            } else {
                problems.append(.init(field: "expires_in_days", code: .outOfRange, message: "Expiry must be a number of days from 1 to 3650, or empty for never."))
            }
        }
        guard problems.isEmpty, let parsedRole else { throw ValidationError(fields: problems) }

        let (secret, hash) = SecretToken.generate(prefix: "ek_")
        let signingSecret = requireSignature ? SecretToken.generate(prefix: "es_").token : nil
        let sealed = try signingSecret.map { signing in
            guard let seal else { preconditionFailure("a service that signs is built with the configuration's seal") }
            return try seal.seal(signing)
        }
        let key = try await database.statements { tx in
            let keys = tx.apiKeys
            let id = try await keys.insert(
                name: name, prefix: String(secret.prefix(11)), hash: hash, role: parsedRole, createdBy: creator.id, expiresAt: expiresAt,
                sealedSigningSecret: sealed)
            return try await keys.find(id: id)
        }
        guard let key else { throw APIKeyNotFound() }
        return Created(secret: secret, signingSecret: signingSecret, key: key)
    }

    /// Every key, newest first.
    public func list() async throws -> [APIKey] {
        try await database.read { try await $0.apiKeys.all() }
    }

    /// Revokes a key at once.
    public func revoke(id: Int64) async throws {
        try await database.statements { tx in
            let keys = tx.apiKeys
            guard try await keys.find(id: id) != nil else { throw APIKeyNotFound() }
            try await keys.revoke(id: id)
        }
    }
}

extension APIKeyService {
    /// Checks a request made with `key`: `X-Engage-Signature` must be the hex HMAC-SHA256, keyed
    /// with the key's signing secret, of `METHOD \n path?query \n time \n hex SHA-256 of the body`,
    /// and `X-Engage-Time` (Unix seconds) within five minutes of now. Throws `invalidSignature`.
    public func verifySignature(
        of key: APIKey, method: String, target: String, time: String?, signature: String?, body: Data
    ) async throws {
        guard let time, let seconds = TimeInterval(time), abs(now().timeIntervalSince1970 - seconds) <= Self.signatureTolerance,
              let signature, let seal,
              let sealed = try await database.read({ try await $0.apiKeys.sealedSigningSecret(id: key.id) })
        else { throw AuthenticationError.invalidSignature }
        let secret = try seal.open(sealed)
        let canonical = "\(method)\n\(target)\n\(time)\n\(SHA256.hash(data: body).hexString)"
        let expected = HMAC<SHA256>.authenticationCode(for: Data(canonical.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        guard ConstantTime.equal(signature.lowercased(), Data(expected).hexString) else { throw AuthenticationError.invalidSignature }
    }
}

/// No API key has that id.
public struct APIKeyNotFound: Error, Sendable {}
