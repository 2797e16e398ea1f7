import Engage
import Foundation
import Logging
import MariaDB
import TestSupport
import Testing

/// Sending through the outbox, against a real MariaDB and a real SMTP server on loopback.
@Suite("Messaging")
struct MessagingTests {
    struct Fixture {
        let database: Database
        let configuration: EngageConfiguration
        let actor: Actor
        let documentID: Int64
        let messaging: MessageServices
        let sink: SMTPSink
        let office = ClientInfo(ipAddress: "192.168.1.20", userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0")

        func send(_ json: String, documentID: Int64? = nil) async throws -> SendService.Outcome {
            try await messaging.sender.send(documentID: documentID ?? self.documentID, Self.input(json), by: actor, from: office)
        }

        /// A worker that delivers to the sink, retrying after `retryBase`.
        func worker(maxAttempts: Int = 3, retryBase: Duration = .milliseconds(1), batchSize: Int = 100, on database: Database? = nil) -> OutboxWorker {
            let smtp = SMTPTransport.Settings(url: sink.url, requireTLS: false, timeout: .seconds(5))
            let transport = SMTPTransport(settings: smtp, sender: MailSender(address: "quotes@example.com", name: "Atelier Dupré"), heloName: "engage.test")
            return OutboxWorker(
                database: database ?? self.database, transports: [.email: transport],
                settings: OutboxSettings(maxAttempts: maxAttempts, retryBase: retryBase, lease: .seconds(60), batchSize: batchSize, connections: 2),
                seal: messaging.seal, logger: Logger(label: "test.worker"))
        }

        func messages() async throws -> [OutboxMessage] {
            try await messaging.outbox.list(OutboxQuery(parameters: ["per_page": "100"])).items
        }

        func events(_ type: EventType) async throws -> [DocumentEvent] {
            try await DocumentEventService(database: database).list(
                documentID: documentID, EventQuery(parameters: ["event_type": type.rawValue])).items
        }

        /// `count` plain emails due now, queued directly (`bulk-N@engage.test`).
        func queueEmails(_ count: Int) async throws {
            try await sql("""
                INSERT INTO outbox_messages (channel, purpose, language, message_id, recipient, subject, text_body, next_attempt_at, created_at, updated_at)
                SELECT 'email', 'quote_notification', 'en', CONCAT('bulk-', seq, '@engage.test'), CONCAT('r', seq, '@example.com'),
                       CONCAT('Message ', seq), 'Hello', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)
                FROM seq_1_to_\(count)
                """)
        }

        func sql(_ statement: String, _ binds: [any MariaDBEncodable] = []) async throws {
            _ = try await database.pool.withConnection { try await $0.execute(statement, binds) }
        }

        static func input(_ json: String) throws -> Input {
            Input(try JSONDecoder().decode([String: JSONValue].self, from: Data(json.utf8)))
        }
    }

    static func run(rejecting: [String] = [], _ test: (Fixture) async throws -> Void) async throws {
        try await TestDatabase.withMigratedPool(maxConnections: 6) { pool in
            let database = Database(pool: pool)
            var configuration = try EngageConfiguration.forTesting(database: pool.configuration)
            configuration.companyName = "Atelier Dupré"
            let user = try await UserService(database: database, hasher: PasswordHasher(cost: 4))
                .create(email: "staff@example.com", name: "Staff", role: "staff", password: "correct horse battery")
            let actor = Actor(user: user)
            let documents = DocumentService(database: database, pdfs: PDFStore(directory: NSTemporaryDirectory(), maximumBytes: 1 << 20))
            let document = try await documents.create(Input([
                "document_type": .string("pennylane_quote"), "title": .string("Rénovation cuisine"), "total_amount": .number(4250.5),
                "currency": .string("EUR"), "recipient_email": .string("jeanne@example.com"), "recipient_name": .string("Jeanne Martin"),
            ]), by: actor)
            let sink = SMTPSink(rejecting: rejecting)
            try await sink.start()
            defer { sink.destroy() }
            try await test(Fixture(
                database: database, configuration: configuration, actor: actor, documentID: document.id,
                messaging: try MessageServices(configuration: configuration, database: database), sink: sink))
        }
    }

    @Test("a send queues the message, the link and email_queued in one go; the worker delivers both parts, the pixel, the tracked link and cc")
    func sendAndDeliver() async throws {
        try await Self.run { f in
            let outcome = try await f.send(#"{"cc": ["boss@example.com"], "message": "Voici le devis *révisé*.", "token_options": {"allowed_actions": ["view", "sign"]}}"#)
            #expect(outcome.message.status == .queued)
            #expect(outcome.document.status == .sent)
            #expect(outcome.document.sentAt != nil)
            #expect(outcome.link?.link.allowedActions == [.view, .sign])
            #expect(outcome.link?.link.recipientEmail == "jeanne@example.com")
            #expect(try await f.events(.emailQueued).count == 1)
            #expect(try f.sink.messages().isEmpty)  // nothing leaves before a worker runs

            #expect(try await f.worker().deliverBatch() == 1)
            let mail = try #require(try await f.sink.waitForMessages(1).first)
            let secret = try #require(outcome.link?.secret)
            let tracking = try #require(outcome.message.trackingID)
            #expect(mail.subject == "Your quote: Rénovation cuisine")
            #expect(mail.messageID == "<\(outcome.message.messageID)>")
            #expect(mail.headers["from"]?.contains("quotes@example.com") == true)
            #expect(mail.headers["to"]?.contains("Jeanne Martin") == true)
            #expect(mail.headers["cc"] == "boss@example.com")
            #expect(Set(mail.envelopeRecipients) == ["jeanne@example.com", "boss@example.com"])
            #expect(mail.headers["content-type"]?.hasPrefix("multipart/alternative") == true)
            let trackedLink = "\(f.configuration.baseURL.absoluteString)/r/\(tracking)/\(secret)"
            #expect(mail.text.contains(trackedLink))
            #expect(mail.text.contains("Voici le devis *révisé*."))  // the plain part shows the message as typed
            #expect(mail.html.contains("href=\"\(trackedLink)\""))
            #expect(mail.html.contains("<img src=\"\(f.configuration.baseURL.absoluteString)/t/\(tracking).gif\""))
            #expect(mail.html.contains("Voici le devis *révisé*."))  // user text is never Markdown
            #expect(mail.html.contains("€"))
            #expect(try await f.messages().first?.status == .sent)
        }
    }

    @Test("signing queues the signer's confirmation with the signature, in the language the document was sent in, with a link to keep a copy")
    func signedConfirmation() async throws {
        try await Self.run { f in
            let sent = try await f.send(#"{"language": "fr", "token_options": {"allowed_actions": ["view", "sign"]}}"#)
            let recipients = RecipientService(database: f.database, confirmations: f.messaging.sender)
            let signed = try await recipients.sign(
                try #require(sent.link?.secret), Input(["full_name": .string("Jeanne M. Martin"), "consent": .bool(true)]),
                consentText: "J'accepte de signer électroniquement.", from: f.office)
            #expect(signed.document.status == .signed)  // the confirmation's email_queued does not move it back to sent
            let confirmation = try #require(try await f.messages().first { $0.purpose == .signedConfirmation })
            #expect(confirmation.recipient == "jeanne@example.com")
            #expect(confirmation.recipientName == "Jeanne M. Martin")
            #expect(confirmation.language == .fr)
            #expect(try await f.events(.emailQueued).count == 2)

            try await f.worker().deliverBatch()
            let mails = try await f.sink.waitForMessages(2)
            let mail = try #require(mails.first { $0.messageID == "<\(confirmation.messageID)>" })
            #expect(mail.subject == "Signé : Rénovation cuisine")
            #expect(mail.text.contains("Bonjour Jeanne M. Martin"))
            // The copy's link opens the signed document, and signs nothing.
            let tracking = try #require(confirmation.trackingID)
            let link = try #require(mail.text.components(separatedBy: "/r/\(tracking)/").last?.prefix { !$0.isWhitespace && $0 != ">" })
            let copy = try await recipients.view(String(link), from: f.office)
            #expect(copy.document.status == .signed)
            #expect(copy.link.allowedActions == [.view, .download])
            await #expect(throws: RecipientError.self) {
                try await recipients.sign(String(link), Input(["full_name": .string("Someone Else"), "consent": .bool(true)]), consentText: "I agree", from: f.office)
            }

            // Without a known address, a signature queues nothing.
            try await f.sql("UPDATE documents SET recipient_email = NULL, status = 'sent', signed_at = NULL WHERE id = ?", [f.documentID])
            let anonymous = try await RecipientLinkService(database: f.database).create(
                documentID: f.documentID, Fixture.input(#"{"allowed_actions": ["sign"]}"#), by: f.actor, from: f.office)
            _ = try await recipients.sign(anonymous.secret, Input(["full_name": .string("Paul Durand"), "consent": .bool(true)]), consentText: "I agree", from: f.office)
            #expect(try await f.messages().filter { $0.purpose == .signedConfirmation }.count == 1)
        }
    }

    @Test("the French template, a custom subject with a placeholder, and HTML in the message escaped")
    func frenchAndEscaping() async throws {
        try await Self.run { f in
            _ = try await f.send(#"{"language": "fr", "subject": "Devis pour {{recipient_name}}", "message": "<script>alert(1)</script> & <b>gras</b>"}"#)
            try await f.worker().deliverBatch()
            let mail = try #require(try await f.sink.waitForMessages(1).first)
            #expect(mail.subject == "Devis pour Jeanne Martin")
            #expect(mail.text.contains("Bonjour Jeanne Martin"))
            #expect(mail.text.contains("250,50\u{a0}€"))  // French writes a no-break space before the currency
            #expect(mail.text.contains("un devis pour vous : Rénovation cuisine"))
            #expect(mail.html.contains("Ouvrir le document"))
            #expect(!mail.html.contains("<script>"))
            #expect(mail.html.contains("&lt;script&gt;"))
            #expect(mail.text.contains("<script>alert(1)</script> & <b>gras</b>"))
        }
    }

    @Test("every problem of a send is listed at once, and nothing is queued")
    func validation() async throws {
        try await Self.run { f throws in
            let error = await #expect(throws: ValidationError.self) {
                _ = try await f.send(#"{"recipient_email": "nope", "cc": ["ok@example.com", "bad"], "template": "poem", "language": "de", "token_options": {"expires_in_days": 0}, "colour": "red"}"#)
            }
            #expect(error?.fields.map(\.field) == ["recipient_email", "template", "language", "colour", "cc", "token_options.expires_in_days"])
            let sms = await #expect(throws: ValidationError.self) {
                _ = try await f.send(#"{"channel": "sms", "recipient_phone": "0612345678", "cc": ["a@example.com"]}"#)
            }
            #expect(sms?.fields.map(\.field) == ["recipient_phone", "cc"])
            #expect(try await f.messages().isEmpty)
            #expect(try await f.events(.emailQueued).isEmpty)
        }
    }

    @Test("SMTP down, then up: the message waits with its error and is delivered on the retry")
    func retryAfterOutage() async throws {
        try await Self.run { f in
            f.sink.stop()
            _ = try await f.send("{}")
            let worker = f.worker()
            try await worker.deliverBatch()
            let waiting = try #require(try await f.messages().first)
            #expect(waiting.status == .queued)
            #expect(waiting.attempts == 1)
            #expect(waiting.lastError?.isEmpty == false)

            try await f.sink.start()
            try await Task.sleep(for: .milliseconds(20))
            #expect(try await worker.deliverBatch() == 1)
            #expect(try await f.sink.waitForMessages(1).count == 1)
            let sent = try #require(try await f.messages().first)
            #expect(sent.status == .sent)
            #expect(sent.attempts == 2)
            #expect(sent.lastError == nil)
        }
    }

    @Test("a 550 fails the message at once with an event; running out of attempts makes it dead; a retry queues it again")
    func permanentAndDead() async throws {
        try await Self.run(rejecting: ["gone@example.com"]) { f in
            _ = try await f.send(#"{"recipient_email": "gone@example.com"}"#)
            try await f.worker().deliverBatch()
            let failed = try #require(try await f.messages().first)
            #expect(failed.status == .failed)
            #expect(failed.attempts == 1)
            #expect(failed.lastError?.contains("550") == true)
            let event = try #require(try await f.events(.emailFailed).first)
            #expect(event.details?["status"] == .string("failed"))

            f.sink.stop()
            let retried = try await f.messaging.outbox.retry(id: failed.id, by: f.actor)
            #expect(retried.status == .queued)
            #expect(retried.attempts == 0)
            await #expect(throws: ValidationError.self) {  // only failed or dead messages
                _ = try await f.messaging.outbox.retry(id: failed.id, by: f.actor)
            }
            try await f.sql("UPDATE outbox_messages SET recipient = 'jeanne@example.com'")
            let worker = f.worker(maxAttempts: 2)
            try await worker.deliverBatch()
            try await Task.sleep(for: .milliseconds(10))
            try await worker.deliverBatch()
            let dead = try #require(try await f.messages().first)
            #expect(dead.status == .dead)
            #expect(dead.attempts == 2)
            #expect(try await f.events(.emailFailed).map { $0.details?["status"] } == [.string("dead"), .string("failed")])
        }
    }

    @Test("no outbox row holds a usable link secret: queued, it is sealed beside a placeholder; sent or failed, it is gone; a retry brings a new working link")
    func linkSecretsAtRest() async throws {
        try await Self.run(rejecting: ["gone@example.com"]) { f in
            func stored() async throws -> [(body: String, sealed: Data?)] {
                try await f.database.pool.withConnection {
                    try await $0.query("SELECT CONCAT(text_body, IFNULL(html_body, '')) AS body, link_secret FROM outbox_messages ORDER BY id")
                }.map { (try $0.decode("body"), try $0.decode("link_secret")) }
            }
            let sent = try await f.send("{}")
            let secret = try #require(sent.link?.secret)
            let queued = try #require(try await stored().first)
            #expect(!queued.body.contains(secret) && queued.body.contains("zzENGAGELINKSECRETzz"))
            let sealed = try #require(queued.sealed)
            #expect(sealed.range(of: Data(secret.utf8)) == nil, "sealed, not stored in clear")

            #expect(try await f.worker().deliverBatch() == 1)
            let mail = try #require(try await f.sink.waitForMessages(1).first)
            let tracking = try #require(sent.message.trackingID)
            #expect(mail.text.contains("/r/\(tracking)/\(secret)"), "the delivery carries the real link")
            let delivered = try #require(try await stored().first)
            #expect(delivered.sealed == nil && !delivered.body.contains(secret))

            let bounced = try await f.send(#"{"recipient_email": "gone@example.com"}"#)
            try await f.worker().deliverBatch()
            let failed = try #require(try await stored().last)
            let bouncedSecret = try #require(bounced.link?.secret)
            #expect(failed.sealed == nil && !failed.body.contains(bouncedSecret))

            try await f.sql("UPDATE outbox_messages SET recipient = 'jeanne@example.com' WHERE id = ?", [bounced.message.id])
            let retried = try await f.messaging.outbox.retry(id: bounced.message.id, by: f.actor)
            #expect(retried.linkID != bounced.message.linkID, "a new link replaces the one whose secret was dropped")
            #expect(try await stored().last?.sealed != nil)
            try await f.worker().deliverBatch()
            let resent = try #require(try await f.sink.waitForMessages(2).last)
            let prefix = "/r/\(try #require(bounced.message.trackingID))/"
            let start = try #require(resent.text.range(of: prefix))
            let newSecret = String(resent.text[start.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
            #expect(newSecret.count == 43)
            let visit = try await RecipientService(database: f.database).view(newSecret, from: ClientInfo(ipAddress: "192.0.2.1", userAgent: "test"))
            #expect(visit.link.id == retried.linkID)
        }
    }

    @Test("two workers draining the same 1,000 messages deliver each exactly once")
    func twoWorkersNoDuplicates() async throws {
        try await Self.run { f in
            try await f.queueEmails(1000)
            let first = f.worker(batchSize: 50)
            let second = f.worker(batchSize: 50)
            async let a: Void = { while try await first.deliverBatch() > 0 {} }()
            async let b: Void = { while try await second.deliverBatch() > 0 {} }()
            _ = try await (a, b)
            let received = try await f.sink.waitForMessages(1000)
            #expect(received.count == 1000)
            #expect(Set(received.map(\.messageID)).count == 1000)
            let statuses = try await f.database.pool.withConnection {
                try await $0.query("SELECT status, COUNT(*) AS n, COUNT(DISTINCT locked_by) AS owners FROM outbox_messages GROUP BY status")
            }
            #expect(statuses.count == 1)
            #expect(try statuses.first?.decode("status", as: String.self) == "sent")
            #expect(try statuses.first?.decode("owners", as: Int.self) == 2, "both workers sent a share")
        }
    }

    @Test("reminders go before the due date and the link's expiry, once per date, and not when turned off")
    func reminders() async throws {
        try await Self.run { f in
            let due = CalendarDate(Date().addingTimeInterval(2 * 86_400))
            try await f.sql("UPDATE documents SET due_date = ?", [due.description])
            _ = try await f.send(#"{"language": "fr", "token_options": {"expires_in_days": 30}}"#)
            let reminders = f.messaging.reminders
            #expect(try await reminders.queueDue() == 1)
            #expect(try await reminders.queueDue() == 0)  // never twice for the same date
            let reminder = try #require(try await f.messages().first)
            #expect(reminder.purpose == .reminder)
            #expect(reminder.language == .fr)
            #expect(reminder.recipient == "jeanne@example.com")
            #expect(reminder.subject == "Rappel : Rénovation cuisine")
            #expect(reminder.linkID != nil)

            // The link expires tomorrow: one more reminder, for that date.
            try await f.sql("UPDATE access_tokens SET expires_at = UTC_TIMESTAMP(6) + INTERVAL 1 DAY")
            #expect(try await reminders.queueDue() == 1)
            #expect(try await reminders.queueDue() == 0)

            // Turned off (through a send), or signed: nothing.
            try await f.sql("DELETE FROM document_reminders")
            _ = try await f.send(#"{"reminders": false}"#)
            #expect(try await reminders.queueDue() == 0)
            try await f.sql("UPDATE documents SET reminders_enabled = TRUE, status = 'signed'")
            #expect(try await reminders.queueDue() == 0)
        }
    }

    @Test("a connection goes on to the next batch while another still sends: no batch waits for its slowest message, and a stop records every message claimed")
    func lanesCrossBatches() async throws {
        try await Self.run { f in
            try await f.queueEmails(12)
            // The first message holds its connection until eight others went out over the other one:
            // batches of four, so those eight come from the batches after the held one's.
            let transport = HoldingTransport(releaseAfter: 8)
            let worker = OutboxWorker(
                database: f.database, transports: [.email: transport],
                settings: OutboxSettings(lease: .seconds(60), batchSize: 4, connections: 2, pollInterval: .milliseconds(20)),
                seal: f.messaging.seal, logger: Logger(label: "test.worker"))
            let running = Task { await worker.run() }
            var sent = 0
            for _ in 0..<400 where sent < 12 {
                try await Task.sleep(for: .milliseconds(50))
                sent = try await f.messages().count { $0.status == .sent }
            }
            running.cancel()
            await running.value
            #expect(transport.heldWasReleased, "the held message waited for others that never came")
            #expect(transport.delivered.count == 12)
            #expect(Set(transport.delivered).count == 12, "each message once")
            let statuses = try await f.messages().map(\.status)
            #expect(statuses.allSatisfy { $0 == .sent }, "\(statuses)")
        }
    }

    @Test("on a cluster a worker records outcomes with causal reads, as it claims, though its connections' threads pass on no task-locals")
    func outcomesReadCausallyOnACluster() async throws {
        try await Self.run(rejecting: ["r2@example.com"]) { f in
            try await f.queueEmails(3)
            // Written without `wsrep_sync_wait`, on a node that has not applied the claim yet, an
            // outcome finds nothing to mark, and the message goes out again when its lease ends.
            try await f.sql("""
                CREATE TRIGGER outcomes_read_causally BEFORE UPDATE ON outbox_messages FOR EACH ROW
                IF @@SESSION.wsrep_sync_wait <> 3 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'written without causal reads'; END IF
                """)
            guard let url = ProcessInfo.processInfo.environment["ENGAGE_TEST_DATABASE_TCP_URL"] else {
                throw TestSetupError("ENGAGE_TEST_DATABASE_TCP_URL is not set: run the tests with `make test`")
            }
            // The test server named twice is a cluster to the pool, which then sets `wsrep_sync_wait`.
            var nodes = try MariaDBConfiguration(url: url).with(database: f.database.pool.configuration.database)
            nodes.endpoints += nodes.endpoints
            try await TestDatabase.withShutdown(MariaDBConnectionPool(configuration: nodes, options: .init(maxConnections: 4))) { pool in
                let worker = f.worker(maxAttempts: 1, on: Database(pool: pool))
                let claimed = try await Database.$causalReads.withValue(true) { try await worker.deliverBatch() }
                #expect(claimed == 3)
            }
            let outcomes = try await f.messages().map { "\($0.recipient) \($0.status.rawValue)" }.sorted()
            #expect(outcomes == ["r1@example.com sent", "r2@example.com failed", "r3@example.com sent"])
        }
    }
}

/// Delivers instantly, except the first message, which waits until `releaseAfter` others are delivered (10 s at most).
private final class HoldingTransport: MessageTransport, DeliverySession, @unchecked Sendable {
    private let lock = NSLock()
    private let release = DispatchSemaphore(value: 0)
    private let releaseAfter: Int
    private var held: String?
    private var released = false
    private var messageIDs: [String] = []

    init(releaseAfter: Int) {
        self.releaseAfter = releaseAfter
    }

    var heldWasReleased: Bool { lock.withLock { released } }
    var delivered: [String] { lock.withLock { messageIDs } }

    func openSession() -> any DeliverySession { self }

    func deliver(_ message: OutboxMessage) -> DeliveryResult {
        let holds = lock.withLock {
            guard held == nil else { return false }
            held = message.messageID
            return true
        }
        if holds {
            let outcome = release.wait(timeout: .now() + 10)
            lock.withLock {
                released = outcome == .success
                messageIDs.append(message.messageID)
            }
            return .sent(providerID: nil)
        }
        let others = lock.withLock {
            messageIDs.append(message.messageID)
            return messageIDs.count
        }
        if others == releaseAfter { release.signal() }
        return .sent(providerID: nil)
    }
}
