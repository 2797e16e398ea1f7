import Engage
import Foundation
import MariaDB
import TestSupport
import Testing

@Suite("Staff accounts")
struct UserServiceTests {
    /// A low bcrypt cost keeps the suite fast; one test checks the production cost.
    private func withService(_ body: (UserService, Database) async throws -> Void) async throws {
        try await TestDatabase.withMigratedPool { pool in
            let database = Database(pool: pool)
            try await body(UserService(database: database, hasher: PasswordHasher(cost: 4)), database)
        }
    }

    @Test("creates a user with a bcrypt hash of cost 12 by default")
    func create() async throws {
        try await TestDatabase.withMigratedPool { pool in
            let service = UserService(database: Database(pool: pool))
            let user = try await service.create(
                email: " Ana.Silva@Example.com ", name: "Ana Silva", role: "staff", password: "correct horse battery")
            #expect(user.email == "Ana.Silva@Example.com")
            #expect(user.role == .staff)
            #expect(user.isActive)
            #expect(user.lastLoginAt == nil)
            let row = try await pool.withConnection {
                try await $0.queryFirst("SELECT password_hash FROM users WHERE id = ?", [user.id])
            }
            let hash = try #require(row).decode("password_hash", as: String.self)
            #expect(hash.hasPrefix("$2b$12$"))
            #expect(!hash.contains("correct horse"))
        }
    }

    @Test("every invalid field is reported at once")
    func allProblemsAtOnce() async throws {
        try await withService { service, _ in
            let error = await #expect(throws: ValidationError.self) {
                try await service.create(email: "not-an-email", name: "", role: "owner", password: "short")
            }
            #expect(error?.fields.map(\.field) == ["email", "name", "password", "role"])
            #expect(error?.fields.map(\.code) == [.invalidFormat, .required, .tooShort, .invalidValue])
        }
    }

    @Test("passwords longer than bcrypt's 72 bytes are refused, not cut")
    func longPassword() async throws {
        try await withService { service, _ in
            await #expect(throws: ValidationError(fields: [
                .init(field: "password", code: .tooLong, message: "Password must be at most 72 bytes."),
            ])) {
                try await service.create(email: "a@example.com", name: "A", role: "viewer", password: String(repeating: "é", count: 40))
            }
        }
    }

    @Test("an email is unique whatever its case")
    func duplicateEmail() async throws {
        try await withService { service, _ in
            _ = try await service.create(email: "ops@example.com", name: "Ops", role: "admin", password: "long enough password")
            let error = await #expect(throws: ValidationError.self) {
                try await service.create(email: "OPS@example.com", name: "Ops 2", role: "staff", password: "long enough password")
            }
            #expect(error?.fields.map(\.code) == [.duplicate])
        }
    }

    @Test("authenticates with the right password only, any email case, active accounts only")
    func authenticate() async throws {
        try await withService { service, database in
            let created = try await service.create(email: "lea@example.com", name: "Léa", role: "staff", password: "un mot de passe sûr")
            let signedIn = try await service.authenticate(email: "LEA@example.com", password: "un mot de passe sûr")
            #expect(signedIn?.id == created.id)
            #expect(try await service.authenticate(email: "lea@example.com", password: "un mot de passe faux") == nil)
            #expect(try await service.authenticate(email: "nobody@example.com", password: "un mot de passe sûr") == nil)

            let again = try await service.authenticate(email: "lea@example.com", password: "un mot de passe sûr")
            #expect(again?.lastLoginAt != nil)

            try await database.pool.withConnection { try await $0.execute("UPDATE users SET active = 0 WHERE id = ?", [created.id]) }
            #expect(try await service.authenticate(email: "lea@example.com", password: "un mot de passe sûr") == nil)
        }
    }

    @Test("knows whether an active admin exists")
    func adminExists() async throws {
        try await withService { service, _ in
            #expect(try await service.activeAdminExists() == false)
            _ = try await service.create(email: "staff@example.com", name: "Staff", role: "staff", password: "long enough password")
            #expect(try await service.activeAdminExists() == false)
            _ = try await service.create(email: "root@example.com", name: "Root", role: "admin", password: "long enough password")
            #expect(try await service.activeAdminExists())
        }
    }

    @Test("generated passwords are long, varied and pass the policy")
    func generatedPasswords() {
        let passwords = (0..<50).map { _ in UserService.generatePassword() }
        #expect(Set(passwords).count == 50)
        #expect(passwords.allSatisfy { $0.count == 20 && $0.allSatisfy { $0.isLetter || $0.isNumber } })
    }
}
