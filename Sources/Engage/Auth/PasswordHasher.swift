import HummingbirdBcrypt

/// bcrypt hashing of staff passwords.
public struct PasswordHasher: Sendable {
    /// The bcrypt cost: 12 in production; tests may lower it to stay fast.
    public let cost: UInt8

    /// A hasher with the given cost.
    public init(cost: UInt8 = 12) {
        self.cost = cost
    }

    /// A salted bcrypt hash of `password`.
    public func hash(_ password: String) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    /// True when `password` matches `hash`.
    public func verify(_ password: String, against hash: String) -> Bool {
        Bcrypt.verify(password, hash: hash)
    }

    /// Spends the time of one check, so an unknown account answers as slowly as a wrong password.
    public func spendCheckTime(_ password: String) {
        // Hashing at the same cost takes as long as verifying against a real hash.
        _ = Bcrypt.hash(password, cost: cost)
    }
}
