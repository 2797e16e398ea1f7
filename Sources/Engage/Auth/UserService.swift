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
        return try await database.statements { tx in
            let users = tx.users
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
        let found = try await database.read {
            try await $0.users.findWithPasswordHash(email: email.trimmingCharacters(in: .whitespaces))
        }
        guard let found else {
            try await hasher.spendCheckTime(password)
            return nil
        }
        guard try await hasher.verify(password, against: found.passwordHash), found.user.isActive else { return nil }
        try await database.statements { try await $0.users.recordLogin(id: found.user.id) }
        return found.user
    }

    /// The active account with this email, or nil.
    public func activeUser(email: String) async throws -> User? {
        let user = try await database.read { try await $0.users.find(email: email.trimmingCharacters(in: .whitespaces)) }
        return user?.isActive == true ? user : nil
    }

    /// Every staff account, by name.
    public func list() async throws -> [User] {
        try await database.read { try await $0.users.all() }
    }

    /// Gives `id` another role; the last active admin keeps theirs.
    public func changeRole(of id: Int64, to role: String) async throws {
        guard let newRole = User.Role(rawValue: role) else {
            throw ValidationError(fields: [.init(field: "role", code: .invalidValue, message: "Role must be admin, staff or viewer.")])
        }
        try await database.write { tx in
            let users = tx.users
            let user = try await Self.existing(id, in: users)
            if user.role == .admin, user.isActive, newRole != .admin, try await users.otherActiveAdmins(than: id) == 0 {
                throw ValidationError(fields: [.init(field: "role", code: .invalidValue, message: "The last active admin must stay admin.")])
            }
            try await users.update(id: id, role: newRole)
        }
    }

    /// Deactivates or reactivates `id`; deactivation ends their sessions and tokens at once.
    /// Nobody deactivates themselves, and the last active admin stays active.
    public func setActive(_ active: Bool, for id: Int64, by actor: User) async throws {
        try await database.write { tx in
            let users = tx.users
            let user = try await Self.existing(id, in: users)
            if !active {
                guard id != actor.id else {
                    throw ValidationError(fields: [.init(field: "active", code: .invalidValue, message: "You cannot deactivate yourself.")])
                }
                if user.role == .admin, try await users.otherActiveAdmins(than: id) == 0 {
                    throw ValidationError(fields: [.init(field: "active", code: .invalidValue, message: "The last active admin cannot be deactivated.")])
                }
                try await users.endSessionsAndTokens(id: id, keeping: nil)
            }
            try await users.update(id: id, active: active)
        }
    }

    /// Changes a user's own password after checking the current one; their other sessions and
    /// refresh tokens end, the session identified by `keepingSession` (a hash) stays.
    public func changePassword(
        of user: User, current: String, new: String, confirmation: String, keepingSession: Data?
    ) async throws {
        var problems = Self.check(password: new).map {
            ValidationError.FieldError(field: "new_password", code: $0.code, message: $0.message)
        }
        if new != confirmation {
            problems.append(.init(field: "confirmation", code: .invalidValue, message: "The two new passwords differ."))
        }
        let storedHash = try await database.read { try await $0.users.passwordHash(id: user.id) }
        if current.isEmpty {
            problems.insert(.init(field: "current_password", code: .required, message: "Current password is required."), at: 0)
        } else if let storedHash, !(try await hasher.verify(current, against: storedHash)) {
            problems.insert(.init(field: "current_password", code: .invalidValue, message: "Current password is wrong."), at: 0)
        }
        guard problems.isEmpty else { throw ValidationError(fields: problems) }
        let hash = try await hasher.hash(new)
        try await database.write { tx in
            let users = tx.users
            try await users.update(id: user.id, passwordHash: hash)
            try await users.endSessionsAndTokens(id: user.id, keeping: keepingSession)
        }
    }

    /// Sets the portal language (`en`, `fr`, or empty to follow the browser) and time zone (an
    /// IANA name, or empty for the installation's) of `user`; both problems are told at once.
    public func setPreferences(of user: User, language: String, timeZone: String) async throws {
        var problems: [ValidationError.FieldError] = []
        let chosenLanguage = Language(rawValue: language)
        if !language.isEmpty, chosenLanguage == nil {
            problems.append(.init(field: "language", code: .invalidValue, message: "Language must be en or fr."))
        }
        if !timeZone.isEmpty, !TimeZone.knownTimeZoneIdentifiers.contains(timeZone) {
            problems.append(.init(field: "time_zone", code: .invalidValue, message: "Time zone must be an IANA name such as Europe/Paris."))
        }
        guard problems.isEmpty else { throw ValidationError(fields: problems) }
        try await database.statements {
            try await $0.users.update(id: user.id, language: chosenLanguage, timeZone: timeZone.isEmpty ? nil : timeZone)
        }
    }

    private static func existing(_ id: Int64, in users: UserRepository) async throws -> User {
        guard let user = try await users.find(id: id) else { throw UserNotFound(id: id) }
        return user
    }

    /// True when an active admin exists.
    public func activeAdminExists() async throws -> Bool {
        try await database.read { try await $0.users.activeAdminExists() }
    }

    /// A strong random password: 20 characters from an alphabet without look-alikes (about 115 bits).
    public static func generatePassword() -> String {
        let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet.randomElement(using: &generator)! })
    }

    static func check(email: String) -> [ValidationError.FieldError] {
        if email.isEmpty { return [.init(field: "email", code: .required, message: "Email is required.")] }
        return EmailAddress.isValid(email) ? [] : [.init(field: "email", code: .invalidFormat, message: "Email must look like name@example.com.")]
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
