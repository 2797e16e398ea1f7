import HummingbirdBcrypt
import NIOPosix

/// bcrypt hashing of staff passwords.
///
/// bcrypt is slow on purpose (about 250 ms at cost 12), so it runs on NIO's pool for blocking work,
/// never on the cooperative threads that serve requests.
public struct PasswordHasher: Sendable {
    /// The bcrypt cost: 12 in production; tests may lower it to stay fast.
    public let cost: UInt8

    /// A hasher with the given cost.
    public init(cost: UInt8 = 12) {
        self.cost = cost
    }

    /// A salted bcrypt hash of `password`.
    public func hash(_ password: String) async throws -> String {
        let cost = cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    /// True when `password` matches `hash`.
    public func verify(_ password: String, against hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// Spends the time of one check, so an unknown account answers as slowly as a wrong password.
    public func spendCheckTime(_ password: String) async throws {
        // Hashing at the same cost takes as long as verifying against a real hash.
        _ = try await hash(password)
    }
}
