import Crypto
import Engage
import Foundation
import MariaDB
import TestSupport
import Testing

/// Recipients' links through the services, against a real MariaDB: every token rule, status
/// monotonicity, the pixel and the audit trail.
@Suite("Recipient access")
struct RecipientServiceTests {
    /// What each test works with: a document, the services, and a way to make links.
    struct Fixture {
        let database: Database
        let actor: Actor
        let documentID: Int64
        let tokens: RecipientLinkService
        let recipients: RecipientService
        let events: DocumentEventService
        let office = ClientInfo(ipAddress: "192.168.1.20", userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0")

        /// A link to the document with `json` options; returns its secret.
        func link(_ json: String = "{}") async throws -> String {
            let values = try JSONDecoder().decode([String: JSONValue].self, from: Data(json.utf8))
            return try await tokens.create(documentID: documentID, Input(values), by: actor, from: office).secret
        }

        func sql(_ statement: String, _ binds: [any MariaDBEncodable] = []) async throws {
            _ = try await database.pool.withConnection { try await $0.execute(statement, binds) }
        }

        func document() async throws -> Document {
            try await events.details(documentID: documentID).document
        }

        /// The fixture's document and `more` new ones, each with a link: their ids and secrets.
        func documentsWithLinks(more: Int) async throws -> [(id: Int64, secret: String)] {
            let documents = DocumentService(database: database, pdfs: PDFStore(directory: NSTemporaryDirectory(), maximumBytes: 1 << 20))
            var ids = [documentID]
            for n in 1...more {
                ids.append(try await documents.create(Input([
                    "document_type": .string("pennylane_invoice"), "title": .string("Invoice \(n)"), "total_amount": .number(Decimal(n)),
                ]), by: actor).id)
            }
            var linked: [(id: Int64, secret: String)] = []
            for id in ids {
                linked.append((id, try await tokens.create(documentID: id, Input([:]), by: actor, from: office).secret))
            }
            return linked
        }
    }

    static func run(connections: Int = 4, _ test: (Fixture) async throws -> Void) async throws {
        try await TestDatabase.withMigratedPool(maxConnections: connections) { pool in
            let database = Database(pool: pool)
            let user = try await UserService(database: database, hasher: PasswordHasher(cost: 4))
                .create(email: "staff@example.com", name: "Staff", role: "staff", password: "correct horse battery")
            let actor = Actor(user: user)
            let documents = DocumentService(database: database, pdfs: PDFStore(directory: NSTemporaryDirectory(), maximumBytes: 1 << 20))
            let document = try await documents.create(Input([
                "document_type": .string("pennylane_quote"), "title": .string("Website redesign"), "total_amount": .number(5000),
            ]), by: actor)
            try await test(Fixture(
                database: database, actor: actor, documentID: document.id, tokens: RecipientLinkService(database: database),
                recipients: RecipientService(database: database), events: DocumentEventService(database: database)))
        }
    }

    @Test("a link is 256 random bits, stored only as its hash, and listed by its prefix")
    func storedHashed() async throws {
        try await Self.run { f in
            let secret = try await f.link()
            #expect(secret.count == 43)
            let stored = try await f.database.pool.withConnection {
                try await $0.queryFirst("SELECT token_hash, prefix FROM access_tokens")
            }
            #expect(try stored?.decode("token_hash", as: Data.self) == SecretToken.hash(secret))
            #expect(try stored?.decode("prefix", as: String.self) == String(secret.prefix(8)))
            let listed = try await f.tokens.list(documentID: f.documentID)
            #expect(listed.map(\.prefix) == [String(secret.prefix(8))])
            #expect(listed.first?.allowedActions == [.view, .download])
        }
    }

    @Test("bad options are all reported at once")
    func validation() async throws {
        try await Self.run { f in
            let error = await #expect(throws: ValidationError.self) {
                _ = try await f.link(#"{"allowed_actions": ["view", "print"], "expires_in_days": 0, "max_uses": -1, "recipient_email": "nope", "restricted_ips": ["10.0.0.0/33", "fe80::/64"], "colour": "red"}"#)
            }
            #expect(error?.fields.map(\.field) == ["allowed_actions", "expires_in_days", "max_uses", "recipient_email", "restricted_ips", "colour"])
        }
    }

    @Test("an expired link is DOCUMENT_EXPIRED, a revoked or unknown one TOKEN_INVALID, and neither records anything")
    func expiryAndRevocation() async throws {
        try await Self.run { f in
            let expiring = try await f.link(#"{"expires_in_days": 1}"#)
            _ = try await f.recipients.view(expiring, from: f.office)
            try await f.sql("UPDATE access_tokens SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE token_hash = ?", [SecretToken.hash(expiring)])
            await #expect(throws: RecipientError.expired) { _ = try await f.recipients.view(expiring, from: f.office) }

            let revoked = try await f.link()
            let id = try #require(try await f.tokens.list(documentID: f.documentID).first?.id)
            try await f.tokens.revoke(documentID: f.documentID, linkID: id, by: f.actor, from: f.office)
            await #expect(throws: RecipientError.linkInvalid) { _ = try await f.recipients.view(revoked, from: f.office) }
            await #expect(throws: RecipientError.linkInvalid) { _ = try await f.recipients.view("not-a-link", from: f.office) }

            let views = try await f.events.list(documentID: f.documentID, try EventQuery(parameters: ["event_type": "page_viewed"]))
            #expect(views.total == 1, "only the view before expiry is recorded")
            #expect(try await f.document().viewCount == 1)
        }
    }

    @Test("simultaneous views through many links each find their own link; a revoked or unknown one among them is refused alone")
    func simultaneousLinks() async throws {
        try await Self.run(connections: 8) { f in
            var secrets: [String] = []
            for _ in 0..<12 { secrets.append(try await f.link()) }
            let revoked = try await f.link()
            let id = try #require(try await f.tokens.list(documentID: f.documentID).first?.id)
            try await f.tokens.revoke(documentID: f.documentID, linkID: id, by: f.actor, from: f.office)
            let tried = Array(repeating: secrets, count: 4).flatMap { $0 } + [revoked, "not-a-link"]
            let outcomes = await withTaskGroup(of: (String, String?).self) { group in
                for secret in tried {
                    group.addTask { (secret, try? await f.recipients.view(secret, from: f.office).link.prefix) }
                }
                return await group.reduce(into: [(String, String?)]()) { $0.append($1) }
            }
            for (secret, prefix) in outcomes {
                if secrets.contains(secret) {
                    #expect(prefix.map { secret.hasPrefix($0) } == true, "the view found the link of its own secret")
                } else {
                    #expect(prefix == nil, "\(secret) is refused")
                }
            }
            #expect(try await f.document().viewCount == 48)
        }
    }

    @Test("simultaneous views of six documents are written in shared batches: each document counts its own, and each trail verifies")
    func simultaneousDocuments() async throws {
        try await Self.run(connections: 8) { f in
            let linked = try await f.documentsWithLinks(more: 5)
            let ids = linked.map(\.id)
            // Document n is viewed n + 1 times.
            let views = linked.enumerated().flatMap { n, document in Array(repeating: document.secret, count: n + 1) }.shuffled()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for secret in views { group.addTask { _ = try await f.recipients.view(secret, from: f.office) } }
                try await group.waitForAll()
            }
            for (n, id) in ids.enumerated() {
                let document = try await f.events.details(documentID: id).document
                #expect(document.viewCount == n + 1)
                #expect(document.firstViewedAt != nil && document.lastViewedAt != nil, "stamped in whichever batch saw it first")
                let trail = try await f.events.auditTrail(documentID: id)
                #expect(trail.verified, "document \(id)'s chain")
                #expect(trail.events.filter { $0.eventType == .pageViewed }.count == n + 1)
            }
        }
    }

    @Test("views in shared batches announce document.viewed to each enabled endpoint that wants it, once per view, and to no other")
    func viewsAnnounced() async throws {
        try await Self.run(connections: 8) { f in
            let linked = try await f.documentsWithLinks(more: 2)
            let (viewed, everything, signedOnly, disabled) = try await f.database.pool.withConnection { c in
                func endpoint(_ events: String, enabled: Bool = true) async throws -> Int64 {
                    Int64(try await c.execute("""
                        INSERT INTO webhook_endpoints (url, events, secret, enabled, created_at, updated_at)
                        VALUES ('https://93.184.216.34/hook', ?, X'01', ?, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))
                        """, [events, enabled] as [any MariaDBEncodable]).lastInsertID)
                }
                return (try await endpoint(#"["document.viewed"]"#), try await endpoint(#"["*"]"#),
                        try await endpoint(#"["document.signed"]"#), try await endpoint(#"["*"]"#, enabled: false))
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for secret in (linked.map(\.secret) + linked.map(\.secret)).shuffled() {
                    group.addTask { _ = try await f.recipients.view(secret, from: f.office) }
                }
                try await group.waitForAll()
            }
            let rows = try await f.database.pool.withConnection { c in
                try await c.query("""
                    SELECT d.endpoint_id, e.type, COUNT(*) AS n FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
                    GROUP BY d.endpoint_id, e.type
                    """)
            }
            var counts: [Int64: [String: Int]] = [:]
            for row in rows { counts[try row.decode("endpoint_id"), default: [:]][try row.decode("type")] = try row.decode("n") }
            #expect(counts[viewed] == ["document.viewed": 6])
            #expect(counts[everything]?["document.viewed"] == 6)
            #expect(counts[signedOnly] == nil && counts[disabled] == nil)
        }
    }

    @Test("a batch of views locks only its own documents and links: one held by another transaction holds up no view of the others")
    func batchLocksOnlyItsOwn() async throws {
        try await Self.run(connections: 8) { f in
            let linked = try await f.documentsWithLinks(more: 5)
            let ids = linked.map(\.id), secrets = linked.map(\.secret)
            // A staff edit holds the second document and its link; on a table this small MariaDB would
            // rather scan every live row, locking them all, than read the few ids asked for.
            try await f.database.pool.withConnection { held in
                _ = try await held.execute("START TRANSACTION")
                _ = try await held.query("SELECT id FROM documents WHERE id = ? FOR UPDATE", [ids[1]])
                _ = try await held.query("SELECT id FROM access_tokens WHERE document_id = ? FOR UPDATE", [ids[1]])
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for secret in secrets.enumerated().filter({ $0.offset != 1 }).map(\.element) + secrets.suffix(3) {
                        group.addTask { _ = try await f.recipients.view(secret, from: f.office) }
                    }
                    try await group.waitForAll()
                }
                _ = try await held.execute("ROLLBACK")
            }
            #expect(try await f.events.details(documentID: ids[5]).document.viewCount == 2)
        }
    }

    @Test("max_uses holds under 50 simultaneous requests: exactly that many succeed and are recorded")
    func maxUsesUnderConcurrency() async throws {
        try await Self.run(connections: 16) { f in
            let secret = try await f.link(#"{"max_uses": 7}"#)
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<50 {
                    group.addTask { (try? await f.recipients.view(secret, from: f.office)) != nil }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 7)
            #expect(try await f.tokens.list(documentID: f.documentID).first?.useCount == 7)
            #expect(try await f.document().viewCount == 7)
            await #expect(throws: RecipientError.linkInvalid) { _ = try await f.recipients.view(secret, from: f.office) }
        }
    }

    @Test("of 20 simultaneous signatures through two links, exactly one is recorded; the others are DOCUMENT_ALREADY_SIGNED")
    func oneSignatureUnderConcurrency() async throws {
        try await Self.run(connections: 16) { f in
            let links = [try await f.link(#"{"allowed_actions": ["view", "sign"]}"#), try await f.link(#"{"allowed_actions": ["view", "sign"]}"#)]
            let outcomes = await withTaskGroup(of: String.self) { group in
                for attempt in 0..<20 {
                    group.addTask {
                        do {
                            _ = try await f.recipients.sign(
                                links[attempt % 2], Input(["full_name": .string("Signer \(attempt)"), "consent": .bool(true)]),
                                consentText: "ok", from: f.office)
                            return "signed"
                        } catch let error as RecipientError {
                            return error == .alreadySigned ? "already" : "\(error)"
                        } catch {
                            return "\(error)"
                        }
                    }
                }
                return await group.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }
            }
            #expect(outcomes == ["signed": 1, "already": 19])
            let signatures = try await f.events.list(documentID: f.documentID, try EventQuery(parameters: ["event_type": "signed"]))
            #expect(signatures.total == 1)
            #expect(try await f.events.auditTrail(documentID: f.documentID).verified)
        }
    }

    @Test("restricted_ips admit addresses inside the IPv4 and IPv6 blocks only")
    func addressBlocks() async throws {
        try await Self.run { f in
            let secret = try await f.link(#"{"restricted_ips": ["192.168.1.0/24", "2001:db8::/32"]}"#)
            for inside in ["192.168.1.20", "::ffff:192.168.1.7", "2001:db8::5", "2001:db8:ffff::1"] {
                _ = try await f.recipients.view(secret, from: ClientInfo(ipAddress: inside, userAgent: nil))
            }
            for outside in ["192.168.2.1", "10.0.0.1", "2001:db9::1", "::1", "unknown"] {
                await #expect(throws: RecipientError.addressNotAllowed, "\(outside)") {
                    _ = try await f.recipients.view(secret, from: ClientInfo(ipAddress: outside, userAgent: nil))
                }
            }
            #expect(try await f.document().viewCount == 4)
        }
    }

    @Test("only allowed actions pass; a second signature is DOCUMENT_ALREADY_SIGNED; signing needs a name and consent")
    func actions() async throws {
        try await Self.run { f in
            let viewOnly = try await f.link(#"{"allowed_actions": ["view"]}"#)
            await #expect(throws: RecipientError.actionNotAllowed(.sign)) {
                _ = try await f.recipients.sign(viewOnly, Input(["full_name": .string("Ann Lee"), "consent": .bool(true)]), consentText: "I agree", from: f.office)
            }
            await #expect(throws: RecipientError.noPDF) { _ = try await f.recipients.download(try await f.link(), from: f.office) }

            let signer = try await f.link(#"{"allowed_actions": ["view", "sign", "accept", "decline"]}"#)
            let missing = await #expect(throws: ValidationError.self) {
                _ = try await f.recipients.sign(signer, Input(["full_name": .string(" ")]), consentText: "I agree", from: f.office)
            }
            #expect(missing?.fields.map(\.field) == ["full_name", "consent"])
            let signed = try await f.recipients.sign(
                signer, Input(["full_name": .string("Ann Lee"), "consent": .bool(true)]), consentText: "I agree", from: f.office)
            #expect(signed.document.status == .signed)
            #expect(signed.availableActions == [.view])
            await #expect(throws: RecipientError.alreadySigned) {
                _ = try await f.recipients.sign(signer, Input(["full_name": .string("Ann Lee"), "consent": .bool(true)]), consentText: "I agree", from: f.office)
            }
            await #expect(throws: RecipientError.alreadySigned) { _ = try await f.recipients.decline(signer, Input([:]), from: f.office) }
            await #expect(throws: RecipientError.alreadyDone(.accept)) { _ = try await f.recipients.accept(signer, from: f.office) }
            let signatures = try await f.events.list(documentID: f.documentID, try EventQuery(parameters: ["event_type": "signed"]))
            #expect(signatures.total == 1)
            let evidence = try #require(signatures.items.first?.details)
            #expect(evidence["signer_name"] == .string("Ann Lee"))
            #expect(evidence["consent_text"] == .string("I agree"))
            let consentDigest = SHA256.hash(data: Data("I agree".utf8)).map { String(format: "%02x", $0) }.joined()
            #expect(evidence["consent_sha256"] == .string(consentDigest))
            #expect(evidence["content_kind"] == .string("page"))
            #expect(signatures.items.first?.ipAddress == "192.168.1.20")
        }
    }

    @Test("accept, register and decline record their details once; a drawn signature must be a PNG data URL")
    func otherActions() async throws {
        try await Self.run { f in
            let secret = try await f.link(#"{"allowed_actions": ["view", "accept", "register", "decline", "sign"]}"#)
            let accepted = try await f.recipients.accept(secret, from: f.office)
            #expect(accepted.document.status == .accepted)
            #expect(accepted.availableActions == [.view, .sign, .register, .decline])

            let badRegistration = await #expect(throws: ValidationError.self) {
                _ = try await f.recipients.register(secret, Input(["name": .string("A"), "email": .string("nope"), "fax": .string("1")]), from: f.office)
            }
            #expect(badRegistration?.fields.map(\.field) == ["name", "email", "fax"])
            _ = try await f.recipients.register(
                secret, Input(["name": .string("Ann Lee"), "email": .string("ann@globex.example"), "company": .string("Globex")]), from: f.office)
            await #expect(throws: RecipientError.alreadyDone(.register)) {
                _ = try await f.recipients.register(secret, Input(["name": .string("Ann Lee"), "email": .string("ann@globex.example")]), from: f.office)
            }
            let registered = try await f.events.list(documentID: f.documentID, try EventQuery(parameters: ["event_type": "registered"]))
            #expect(registered.items.first?.details?["company"] == .string("Globex"))
            #expect(try await f.document().registeredAt != nil)

            let drawn = await #expect(throws: ValidationError.self) {
                _ = try await f.recipients.sign(
                    secret, Input(["full_name": .string("Ann Lee"), "consent": .bool(true), "signature_image": .string("javascript:alert(1)")]),
                    consentText: "ok", from: f.office)
            }
            #expect(drawn?.fields.map(\.field) == ["signature_image"])

            let declined = try await f.recipients.decline(secret, Input(["reason": .string("Over budget")]), from: f.office)
            #expect(declined.document.status == .rejected)
            #expect(declined.document.rejectedAt != nil)
            #expect(declined.availableActions == [.view])
            await #expect(throws: RecipientError.alreadyDone(.decline)) {
                _ = try await f.recipients.sign(secret, Input(["full_name": .string("Ann Lee"), "consent": .bool(true)]), consentText: "ok", from: f.office)
            }
            let reasons = try await f.events.list(documentID: f.documentID, try EventQuery(parameters: ["event_type": "declined"]))
            #expect(reasons.items.map { $0.details?["reason"] } == [.string("Over budget")])
        }
    }

    @Test("a drawn signature is kept with its digest in the signed event")
    func drawnSignature() async throws {
        try await Self.run { f in
            let secret = try await f.link(#"{"allowed_actions": ["view", "sign"]}"#)
            let image = "data:image/png;base64,iVBORw0KGgo="
            _ = try await f.recipients.sign(
                secret, Input(["full_name": .string("Ann Lee"), "consent": .bool(true), "signature_image": .string(image)]),
                consentText: "ok", from: f.office)
            let signed = try await f.events.list(documentID: f.documentID, try EventQuery(parameters: ["event_type": "signed"]))
            let digest = SHA256.hash(data: Data(image.utf8)).map { String(format: "%02x", $0) }.joined()
            #expect(signed.items.first?.details?["signature_image"] == .string(image))
            #expect(signed.items.first?.details?["signature_image_sha256"] == .string(digest))
        }
    }

    @Test("status moves forward only: a view after signing leaves it signed and counts the view")
    func statusMonotonic() async throws {
        try await Self.run { f in
            let secret = try await f.link(#"{"allowed_actions": ["view", "accept", "sign"]}"#)
            _ = try await f.recipients.view(secret, from: f.office)
            #expect(try await f.document().status == .viewed)
            _ = try await f.recipients.sign(secret, Input(["full_name": .string("Ann Lee"), "consent": .bool(true)]), consentText: "ok", from: f.office)
            let signedAt = try await f.document().signedAt
            _ = try await f.recipients.view(secret, from: f.office)
            let after = try await f.document()
            #expect(after.status == .signed)
            #expect(after.viewCount == 2)
            #expect(after.signedAt == signedAt)
            #expect(after.firstViewedAt != nil && after.firstViewedAt! <= after.lastViewedAt!)
        }
    }

    @Test("a known pixel records email_opened without changing the status; an unknown one records nothing")
    func pixel() async throws {
        try await Self.run { f in
            _ = try await f.link()
            let pixel = try #require(try await f.tokens.list(documentID: f.documentID).first?.pixelID)
            #expect(try await f.recipients.recordOpen(pixelID: pixel, from: f.office))
            #expect(try await f.recipients.recordOpen(pixelID: String(repeating: "0", count: 32), from: f.office) == false)
            #expect(try await f.recipients.recordOpen(pixelID: "../../etc", from: f.office) == false)
            let opens = try await f.events.list(documentID: f.documentID, try EventQuery(parameters: ["event_type": "email_opened"]))
            #expect(opens.total == 1)
            #expect(try await f.document().status == .draft)
            // The pixel is now known without a lookup; its document deleted, it records nothing all the same.
            try await f.sql("UPDATE documents SET deleted_at = UTC_TIMESTAMP(6) WHERE id = ?", [f.documentID])
            #expect(try await f.recipients.recordOpen(pixelID: pixel, from: ClientInfo(ipAddress: "198.51.100.7", userAgent: "Mail")) == false)
            try await f.sql("UPDATE documents SET deleted_at = NULL WHERE id = ?", [f.documentID])
            let after = try await f.events.list(documentID: f.documentID, try EventQuery(parameters: ["event_type": "email_opened"]))
            #expect(after.total == 1)
        }
    }

    @Test("an email open counts once per address in its window; another address counts; a zero window counts every hit")
    func openCountedOnce() async throws {
        try await Self.run { f in
            _ = try await f.link()
            let pixel = try #require(try await f.tokens.list(documentID: f.documentID).first?.pixelID)
            let home = ClientInfo(ipAddress: "198.51.100.9", userAgent: "Mail")
            for _ in 0..<3 { #expect(try await f.recipients.recordOpen(pixelID: pixel, from: home)) }
            _ = try await f.recipients.recordOpen(pixelID: pixel, from: f.office)
            let opens = { try await f.events.list(documentID: f.documentID, try EventQuery(parameters: ["event_type": "email_opened"])).total }
            #expect(try await opens() == 2)
            let everyHit = RecipientService(database: f.database, trackingWindow: 0)
            for _ in 0..<3 { _ = try await everyHit.recordOpen(pixelID: pixel, from: home) }
            #expect(try await opens() == 5)
        }
    }

    @Test("the audit trail verifies, and fails once any stored event is changed or the newest removed")
    func auditTrail() async throws {
        try await Self.run { f in
            let secret = try await f.link(#"{"allowed_actions": ["view", "sign"]}"#)
            _ = try await f.recipients.view(secret, from: f.office)
            _ = try await f.recipients.sign(secret, Input(["full_name": .string("Ann Lee"), "consent": .bool(true)]), consentText: "ok", from: f.office)
            let trail = try await f.events.auditTrail(documentID: f.documentID)
            #expect(trail.verified)
            #expect(trail.events.map(\.eventType) == [.tokenCreated, .pageViewed, .signed])

            try await f.sql("UPDATE document_events SET ip_address = '10.9.9.9' WHERE event_type = 'page_viewed'")
            let tampered = try await f.events.auditTrail(documentID: f.documentID)
            #expect(!tampered.verified)
            #expect(tampered.firstBrokenEventID == trail.events[1].id)

            try await f.sql("UPDATE document_events SET ip_address = '192.168.1.20' WHERE event_type = 'page_viewed'")
            #expect(try await f.events.auditTrail(documentID: f.documentID).verified, "the original value verifies again")
            try await f.sql("DELETE FROM document_events WHERE event_type = 'signed'")
            #expect(try await f.events.auditTrail(documentID: f.documentID).verified == false)
        }
    }
}
