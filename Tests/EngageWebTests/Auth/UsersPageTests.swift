import Engage
@testable import EngageWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@Suite("Admin Users page and change of password")
struct UsersPageTests {
    private static let password = "correct horse battery"

    /// The app with an admin, a staff member and a viewer.
    private func withApp(_ test: @Sendable (any TestClientProtocol, Database, [String: User]) async throws -> Void) async throws {
        try await TestDatabase.withMigratedPool { pool in
            let database = Database(pool: pool)
            let service = UserService(database: database, hasher: PasswordHasher(cost: 4))
            var users: [String: User] = [:]
            for role in ["admin", "staff", "viewer"] {
                users[role] = try await service.create(email: "\(role)@example.com", name: role.capitalized, role: role, password: Self.password)
            }
            let configuration = try EngageConfiguration.forTesting(database: pool.configuration)
            let router = try await buildRouter(configuration: configuration, database: database)
            let all = users
            try await Application(router: router).test(.router) { try await test($0, database, all) }
        }
    }

    @Test("staff and viewers get 403 on the Users page; admins see every account")
    func access() async throws {
        try await withApp { client, _, _ in
            for role in ["staff", "viewer"] {
                var browser = try await Browser.signedIn(client, email: "\(role)@example.com", password: Self.password)
                let response = try await browser.get(client, "/users")
                #expect(response.status == .forbidden)
                let refused = try await browser.post(client, "/users", ["email": "x@example.com", "name": "X", "role": "admin"])
                #expect(refused.status == .forbidden)
            }
            var admin = try await Browser.signedIn(client, email: "admin@example.com", password: Self.password)
            let page = try await admin.get(client, "/users")
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            for email in ["admin@example.com", "staff@example.com", "viewer@example.com"] { #expect(html.contains(email)) }
            #expect(html.contains(#"<a href="/users" aria-current="page">Users</a>"#))
            #expect(!html.contains("x@example.com"))
        }
    }

    @Test("creating a user shows every mistake next to its field and keeps the input; a generated password is shown once")
    func create() async throws {
        try await withApp { client, database, _ in
            var admin = try await Browser.signedIn(client, email: "admin@example.com", password: Self.password)
            let invalid = try await admin.post(client, "/users", ["email": "nope", "name": "", "role": "owner", "password": "short"])
            #expect(invalid.status == .unprocessableContent)
            let html = String(buffer: invalid.body)
            for message in ["Email must look like", "Name is required.", "Role must be admin, staff or viewer.", "at least 12 characters"] {
                #expect(html.contains(message))
            }
            #expect(html.contains(#"value="nope""#))

            let created = try await admin.post(client, "/users", ["email": "new@example.com", "name": "New Person", "role": "viewer"])
            #expect(created.status == .ok)
            let page = String(buffer: created.body)
            let marker = try #require(page.range(of: "Password, shown once: <code>"))
            let generated = String(page[marker.upperBound...].prefix { $0 != "<" })
            #expect(generated.count == 20)
            let user = try await UserService(database: database, hasher: PasswordHasher(cost: 4))
                .authenticate(email: "new@example.com", password: generated)
            #expect(user?.role == .viewer)
        }
    }

    @Test("roles change; the last active admin cannot be demoted")
    func roles() async throws {
        try await withApp { client, _, users in
            var admin = try await Browser.signedIn(client, email: "admin@example.com", password: Self.password)
            let staff = try #require(users["staff"])
            let changed = try await admin.post(client, "/users/\(staff.id)/role", ["role": "viewer"])
            #expect(changed.status == .seeOther)
            #expect(String(buffer: try await admin.get(client, "/users?done=role").body).contains("Role changed."))

            let me = try #require(users["admin"])
            let refused = try await admin.post(client, "/users/\(me.id)/role", ["role": "staff"])
            #expect(refused.status == .badRequest)
            #expect(String(buffer: refused.body).contains("The last active admin must stay admin."))
        }
    }

    @Test("deactivating ends the user's sessions at once; nobody deactivates themselves")
    func deactivate() async throws {
        try await withApp { client, _, users in
            var staffBrowser = try await Browser.signedIn(client, email: "staff@example.com", password: Self.password)
            #expect(try await staffBrowser.get(client, "/").status == .ok)
            var admin = try await Browser.signedIn(client, email: "admin@example.com", password: Self.password)
            let staff = try #require(users["staff"])
            #expect(try await admin.post(client, "/users/\(staff.id)/deactivate", [:]).status == .seeOther)
            #expect(try await staffBrowser.get(client, "/").status == .seeOther)
            await #expect(throws: TestSetupError.self) {
                try await Browser.signedIn(client, email: "staff@example.com", password: Self.password)
            }

            let me = try #require(users["admin"])
            let refused = try await admin.post(client, "/users/\(me.id)/deactivate", [:])
            #expect(refused.status == .badRequest)
            #expect(try await admin.post(client, "/users/\(staff.id)/activate", [:]).status == .seeOther)
            _ = try await Browser.signedIn(client, email: "staff@example.com", password: Self.password)
            #expect(try await admin.post(client, "/users/99999/deactivate", [:]).status == .notFound)
        }
    }

    @Test("changing one's password checks the current one, lists every problem, and ends the other sessions")
    func changePassword() async throws {
        try await withApp { client, _, _ in
            var laptop = try await Browser.signedIn(client, email: "viewer@example.com", password: Self.password)
            var phone = try await Browser.signedIn(client, email: "viewer@example.com", password: Self.password)
            _ = try await laptop.get(client, "/account/password")
            let wrong = try await laptop.post(client, "/account/password", [
                "current_password": "not my password", "new_password": "short", "confirmation": "different",
            ])
            #expect(wrong.status == .unprocessableContent)
            let html = String(buffer: wrong.body)
            for message in ["Current password is wrong.", "at least 12 characters", "The two new passwords differ."] {
                #expect(html.contains(message))
            }
            let changed = try await laptop.post(client, "/account/password", [
                "current_password": Self.password, "new_password": "a much better passphrase", "confirmation": "a much better passphrase",
            ])
            #expect(changed.status == .seeOther)
            #expect(try await laptop.get(client, "/").status == .ok)
            #expect(try await phone.get(client, "/").status == .seeOther)
            _ = try await Browser.signedIn(client, email: "viewer@example.com", password: "a much better passphrase")
        }
    }

    @Test("the current password on the change form is limited like sign-in: after five wrong ones, even the right one waits")
    func changePasswordLimited() async throws {
        try await withApp { client, _, _ in
            var laptop = try await Browser.signedIn(client, email: "viewer@example.com", password: Self.password)
            _ = try await laptop.get(client, "/account/password")
            for _ in 0..<SignInService.accountLimit {
                let wrong = try await laptop.post(client, "/account/password", [
                    "current_password": "not my password", "new_password": "a much better passphrase", "confirmation": "a much better passphrase",
                ])
                #expect(wrong.status == .unprocessableContent)
            }
            let limited = try await laptop.post(client, "/account/password", [
                "current_password": Self.password, "new_password": "a much better passphrase", "confirmation": "a much better passphrase",
            ])
            #expect(limited.status == .tooManyRequests)
            #expect(String(buffer: limited.body).contains("Too many wrong passwords"))
            #expect(limited.headers[.retryAfter] != nil)
        }
    }
}
