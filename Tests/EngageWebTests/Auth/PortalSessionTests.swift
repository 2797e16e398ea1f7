import Engage
@testable import EngageWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@Suite("Portal sign-in, sessions and CSRF")
struct PortalSessionTests {
    private static let password = "correct horse battery"

    private func withApp(_ test: @Sendable (any TestClientProtocol, Database) async throws -> Void) async throws {
        try await TestDatabase.withMigratedPool { pool in
            let database = Database(pool: pool)
            _ = try await UserService(database: database, hasher: PasswordHasher(cost: 4))
                .create(email: "ana@example.com", name: "Ana Silva", role: "staff", password: Self.password)
            let configuration = try EngageConfiguration.forTesting(database: pool.configuration)
            let router = try await buildRouter(configuration: configuration, database: database)
            try await Application(router: router).test(.router) { try await test($0, database) }
        }
    }

    /// Opens the sign-in page, as a browser does before posting it.
    private func openLogin(_ client: any TestClientProtocol, _ browser: inout Browser) async throws {
        let response = try await client.execute(uri: "/login", method: .get, headers: browser.headers)
        #expect(response.status == .ok)
        browser.read(response)
    }

    @Test("the sign-in page sets an HttpOnly, SameSite=Lax session cookie and puts a CSRF token in the form")
    func loginPage() async throws {
        try await withApp { client, _ in
            let response = try await client.execute(uri: "/login", method: .get)
            let setCookie = try #require(response.headers[.setCookie])
            #expect(setCookie.contains("HttpOnly"))
            #expect(setCookie.contains("SameSite=Lax"))
            #expect(setCookie.contains("Path=/"))
            #expect(!setCookie.contains("Secure"))  // the test base URL is http
            var browser = Browser()
            browser.read(response)
            #expect((browser.csrfToken?.count ?? 0) >= 40)
            #expect((browser.cookie?.count ?? 0) >= 40)
        }
    }

    @Test("behind HTTPS, every response carries HSTS and the session cookie is Secure")
    func https() async throws {
        try await TestDatabase.withMigratedPool { pool in
            var configuration = try EngageConfiguration.forTesting(database: pool.configuration)
            configuration.baseURL = URL(string: "https://engage.example.com")!
            let router = try await buildRouter(configuration: configuration, database: Database(pool: pool))
            try await Application(router: router).test(.router) { client in
                let response = try await client.execute(uri: "/login", method: .get)
                #expect(response.headers[.strictTransportSecurity] == "max-age=31536000; includeSubDomains")
                #expect(response.headers[.setCookie]?.contains("Secure") == true)
                let health = try await client.execute(uri: "/healthz", method: .get)
                #expect(health.headers[.strictTransportSecurity] != nil)
            }
        }
    }

    @Test("signing in rotates the session id, lands on the dashboard, and the old id is dead")
    func signIn() async throws {
        try await withApp { client, _ in
            var browser = Browser()
            try await openLogin(client, &browser)
            let preSession = try #require(browser.cookie)
            let response = try await client.execute(
                uri: "/login", method: .post, headers: browser.headers,
                body: Browser.form(["email": "ana@example.com", "password": Self.password, "csrf_token": browser.csrfToken ?? ""]))
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/")
            browser.read(response)
            #expect(browser.cookie != preSession)

            let dashboard = try await client.execute(uri: "/", method: .get, headers: browser.headers)
            #expect(dashboard.status == .ok)
            #expect(String(buffer: dashboard.body).contains("Welcome, Ana Silva"))

            var stale = Browser(cookie: preSession)
            let withOldID = try await client.execute(uri: "/", method: .get, headers: stale.headers)
            #expect(withOldID.status == .seeOther)
            stale.read(withOldID)
        }
    }

    @Test("the sign-in page writes nothing to the database; a post needs the form's own cookie and an unexpired token")
    func statelessSignInForm() async throws {
        try await withApp { client, database in
            for _ in 0..<5 {
                #expect(try await client.execute(uri: "/login", method: .get).status == .ok)
            }
            let rows = try await database.pool.withConnection { try await $0.queryFirst("SELECT COUNT(*) AS n FROM sessions") }
            #expect(try rows?.decode("n", as: Int.self) == 0, "a visitor's page view writes no session")

            var first = Browser()
            try await openLogin(client, &first)
            var second = Browser()
            try await openLogin(client, &second)
            let credentials = ["email": "ana@example.com", "password": Self.password]
            let swapped = try await client.execute(
                uri: "/login", method: .post, headers: first.headers,
                body: Browser.form(credentials.merging(["csrf_token": second.csrfToken ?? ""]) { $1 }))
            #expect(swapped.status == .forbidden, "a token is bound to its own cookie")
            let stale = LoginFormToken(secret: EngageConfiguration.testJWTSecret).issue(now: Date().addingTimeInterval(-31 * 60))
            let expired = try await client.execute(
                uri: "/login", method: .post, headers: Browser(cookie: stale.cookieValue).headers,
                body: Browser.form(credentials.merging(["csrf_token": stale.csrfToken]) { $1 }))
            #expect(expired.status == .forbidden, "a form older than 30 minutes is refused")
            let noCookie = try await client.execute(
                uri: "/login", method: .post, headers: Browser().headers,
                body: Browser.form(credentials.merging(["csrf_token": first.csrfToken ?? ""]) { $1 }))
            #expect(noCookie.status == .forbidden)
            let signedIn = try await client.execute(
                uri: "/login", method: .post, headers: first.headers,
                body: Browser.form(credentials.merging(["csrf_token": first.csrfToken ?? ""]) { $1 }))
            #expect(signedIn.status == .seeOther)
        }
    }

    @Test("an anonymous post is refused before its body is read; multipart only reaches the PDF upload, from a signed-in writer")
    func bodiesNotReadForNobody() async throws {
        try await withApp { client, _ in
            // A body past the form limit would be a 413 if it were read; refused first, it is a 403.
            let big = ByteBuffer(repeating: UInt8(ascii: "a"), count: 12 * 1024 * 1024)
            let boundary: HTTPFields = [.contentType: "multipart/form-data; boundary=x"]
            for (uri, headers) in [("/login", boundary), ("/documents", Browser().headers), ("/documents/1/pdf", boundary)] {
                let response = try await client.execute(uri: uri, method: .post, headers: headers, body: big)
                #expect(response.status == .forbidden, "\(uri)")
            }
            var browser = Browser()
            try await openLogin(client, &browser)
            let signIn = try await client.execute(
                uri: "/login", method: .post, headers: browser.headers.merging([.contentType: "multipart/form-data; boundary=x"]),
                body: ByteBuffer(string: "--x\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n\(browser.csrfToken ?? "")\r\n--x--\r\n"))
            #expect(signIn.status == .forbidden, "the sign-in form is never multipart")
            var staff = try await Browser.signedIn(client, email: "ana@example.com", password: Self.password)
            _ = try await staff.get(client, "/")
            let longBoundary = String(repeating: "b", count: 71)
            let odd = try await client.execute(
                uri: "/documents/1/pdf", method: .post,
                headers: staff.headers.merging([.contentType: "multipart/form-data; boundary=\(longBoundary)"]),
                body: ByteBuffer(string: "--\(longBoundary)--\r\n"))
            #expect(odd.status == .forbidden, "a boundary over 70 characters (RFC 2046) is refused")
        }
    }

    @Test("a wrong password re-shows the form with an error and the email kept, status 401")
    func wrongPassword() async throws {
        try await withApp { client, _ in
            var browser = Browser()
            try await openLogin(client, &browser)
            let response = try await client.execute(
                uri: "/login", method: .post, headers: browser.headers,
                body: Browser.form(["email": "ana@example.com", "password": "not the password", "csrf_token": browser.csrfToken ?? ""]))
            #expect(response.status == .unauthorized)
            let html = String(buffer: response.body)
            #expect(html.contains("Wrong email or password."))
            #expect(html.contains(#"value="ana@example.com""#))
        }
    }

    @Test("a post without the right CSRF token, or marked cross-site, is refused with 403 and signs nobody in",
          arguments: ["missing", "wrong", "no-session", "cross-site", "foreign-origin"])
    func csrfRefusals(case name: String) async throws {
        try await withApp { client, _ in
            var browser = Browser()
            try await openLogin(client, &browser)
            var fields = ["email": "ana@example.com", "password": Self.password, "csrf_token": browser.csrfToken ?? ""]
            var headers = browser.headers
            switch name {
            case "missing": fields["csrf_token"] = nil
            case "wrong": fields["csrf_token"] = String(repeating: "A", count: 43)
            case "no-session": headers[.cookie] = nil
            case "cross-site": headers[.secFetchSite] = "cross-site"
            default: headers[.origin] = "https://evil.example"
            }
            let response = try await client.execute(uri: "/login", method: .post, headers: headers, body: Browser.form(fields))
            #expect(response.status == .forbidden)
            #expect(String(buffer: response.body).contains("This form has expired or was sent from another site."))
            #expect(response.headers[.setCookie] == nil)
        }
    }

    @Test("after five wrong passwords the form says to wait, with 429 and Retry-After")
    func rateLimitedForm() async throws {
        try await withApp { client, _ in
            var browser = Browser()
            try await openLogin(client, &browser)
            var last: TestResponse?
            for attempt in 0..<6 {
                let password = attempt == 5 ? Self.password : "not the password"
                last = try await client.execute(
                    uri: "/login", method: .post, headers: browser.headers,
                    body: Browser.form(["email": "ana@example.com", "password": password, "csrf_token": browser.csrfToken ?? ""]))
            }
            let response = try #require(last)
            #expect(response.status == .tooManyRequests)
            #expect(response.headers[.retryAfter] != nil)
            #expect(String(buffer: response.body).contains("Too many failed attempts. Try again in 15 min."))
        }
    }

    @Test("signing out ends the session on the server and clears the cookie")
    func signOut() async throws {
        try await withApp { client, _ in
            var browser = Browser()
            try await openLogin(client, &browser)
            browser.read(try await client.execute(
                uri: "/login", method: .post, headers: browser.headers,
                body: Browser.form(["email": "ana@example.com", "password": Self.password, "csrf_token": browser.csrfToken ?? ""])))
            let signedIn = browser
            browser.read(try await client.execute(uri: "/", method: .get, headers: browser.headers))
            let response = try await client.execute(
                uri: "/logout", method: .post, headers: browser.headers, body: Browser.form(["csrf_token": browser.csrfToken ?? ""]))
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/login")
            #expect(response.headers[.setCookie]?.contains("Max-Age=0") == true)
            let replay = try await client.execute(uri: "/", method: .get, headers: signedIn.headers)
            #expect(replay.status == .seeOther)
        }
    }

    @Test("deactivating a user ends their sessions")
    func deactivation() async throws {
        try await withApp { client, database in
            var browser = Browser()
            try await openLogin(client, &browser)
            browser.read(try await client.execute(
                uri: "/login", method: .post, headers: browser.headers,
                body: Browser.form(["email": "ana@example.com", "password": Self.password, "csrf_token": browser.csrfToken ?? ""])))
            try await database.pool.withConnection { try await $0.execute("UPDATE users SET active = 0") }
            let response = try await client.execute(uri: "/", method: .get, headers: browser.headers)
            #expect(response.status == .seeOther)
        }
    }
}

@Suite("Session timeouts")
struct SessionTimeoutTests {

    @Test("a session ends after 30 idle minutes, and after 12 hours however busy")
    func timeouts() async throws {
        try await TestDatabase.withMigratedPool { pool in
            let database = Database(pool: pool)
            let user = try await UserService(database: database, hasher: PasswordHasher(cost: 4))
                .create(email: "t@example.com", name: "T", role: "viewer", password: "long enough password")
            let clock = ManualClock()
            let sessions = SessionService(database: database, now: { clock.now })

            let idle = try await sessions.start(for: user)
            clock.advance(29 * 60)
            #expect(try await sessions.find(cookieValue: idle.cookieValue)?.user.id == user.id)
            clock.advance(31 * 60)
            #expect(try await sessions.find(cookieValue: idle.cookieValue) == nil)

            let busy = try await sessions.start(for: user)
            for _ in 0..<24 {  // 11 h 36 min of activity, never idle for 30 minutes
                clock.advance(29 * 60)
                #expect(try await sessions.find(cookieValue: busy.cookieValue) != nil)
            }
            clock.advance(29 * 60)  // 12 h 5 min after sign-in
            #expect(try await sessions.find(cookieValue: busy.cookieValue) == nil)
        }
    }

    @Test("sessions end at their absolute expiry and are cleaned up as new ones start")
    func expiredCleanup() async throws {
        try await TestDatabase.withMigratedPool { pool in
            let database = Database(pool: pool)
            let user = try await UserService(database: database, hasher: PasswordHasher(cost: 4))
                .create(email: "c@example.com", name: "C", role: "viewer", password: "long enough password")
            let clock = ManualClock()
            let sessions = SessionService(database: database, now: { clock.now })
            for _ in 0..<3 { _ = try await sessions.start(for: user) }
            clock.advance(12 * 3600 + 1)
            _ = try await sessions.start(for: user)
            let rows = try await pool.withConnection { try await $0.queryFirst("SELECT COUNT(*) AS n FROM sessions") }
            #expect(try rows?.decode("n", as: Int.self) == 1)
        }
    }
}
