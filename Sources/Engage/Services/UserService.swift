import Foundation

/// Creating staff accounts and checking their passwords.
public struct UserService: Sendable {
    private let database: Database
    private let hasher: PasswordHasher

    /// Passwords shorter than this are refused (OWASP ASVS 2.1.1).
    public static let minimumPasswordLength = 12
    /// bcrypt ignores bytes past 72, so longer passwords are refused rather than silently cut.
    public static let maximumPasswordBytes = 72

    /// A service over `database`.
    public init(database: Database, hasher: PasswordHasher = PasswordHasher()) {
        self.database = database
        self.hasher = hasher
    }

    /// Creates a user; every invalid field is reported at once, a taken email included.
    public func create(email: String, name: String, role: String, password: String) async throws -> User {
        let email = email.trimmingCharacters(in: .whitespaces)
        let name = name.trimmingCharacters(in: .whitespaces)
        var problems = Self.check(email: email) + Self.check(name: name) + Self.check(password: password)
        let parsedRole = User.Role(rawValue: role)
        if role.isEmpty {
            problems.append(.init(field: "role", code: .required, message: "Role is required."))
        } else if parsedRole == nil {
            problems.append(.init(field: "role", code: .invalidValue, message: "Role must be admin, staff or viewer."))
        }
        guard problems.isEmpty, let parsedRole else { throw ValidationError(fields: problems) }

        let hash = try await hasher.hash(password)
        return try await database.pool.withConnection { connection in
            let users = UserRepository(connection: connection)
            guard let id = try await users.insert(email: email, name: name, role: parsedRole, passwordHash: hash) else {
                throw ValidationError(fields: [
                    .init(field: "email", code: .duplicate, message: "A user with this email already exists."),
                ])
            }
            guard let user = try await users.find(id: id) else { throw UserNotFound(id: id) }
            return user
        }
    }

    /// The active user with these credentials, or nil; unknown emails take as long as wrong passwords.
    public func authenticate(email: String, password: String) async throws -> User? {
        let found = try await database.pool.withConnection {
            try await UserRepository(connection: $0).findWithPasswordHash(email: email.trimmingCharacters(in: .whitespaces))
        }
        guard let found else {
            try await hasher.spendCheckTime(password)
            return nil
        }
        guard try await hasher.verify(password, against: found.passwordHash), found.user.isActive else { return nil }
        try await database.pool.withConnection { try await UserRepository(connection: $0).recordLogin(id: found.user.id) }
        return found.user
    }

    /// True when an active admin exists.
    public func activeAdminExists() async throws -> Bool {
        try await database.pool.withConnection { try await UserRepository(connection: $0).activeAdminExists() }
    }

    /// A strong random password: 20 characters from an alphabet without look-alikes (about 115 bits).
    public static func generatePassword() -> String {
        let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet.randomElement(using: &generator)! })
    }

    static func check(email: String) -> [ValidationError.FieldError] {
        if email.isEmpty { return [.init(field: "email", code: .required, message: "Email is required.")] }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        let valid = email.count <= 254 && parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
            && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".") && !email.contains(where: \.isWhitespace)
        return valid ? [] : [.init(field: "email", code: .invalidFormat, message: "Email must look like name@example.com.")]
    }

    static func check(name: String) -> [ValidationError.FieldError] {
        if name.isEmpty { return [.init(field: "name", code: .required, message: "Name is required.")] }
        return name.count > 200 ? [.init(field: "name", code: .tooLong, message: "Name must be at most 200 characters.")] : []
    }

    static func check(password: String) -> [ValidationError.FieldError] {
        if password.isEmpty { return [.init(field: "password", code: .required, message: "Password is required.")] }
        if password.count < minimumPasswordLength {
            return [.init(field: "password", code: .tooShort, message: "Password must be at least \(minimumPasswordLength) characters.")]
        }
        if password.utf8.count > maximumPasswordBytes {
            return [.init(field: "password", code: .tooLong, message: "Password must be at most \(maximumPasswordBytes) bytes.")]
        }
        return []
    }
}

/// A user that should exist does not.
public struct UserNotFound: Error, Sendable {
    public let id: Int64
}
