@testable import Engage
@testable import EngageWeb
import Crypto
import Foundation
import Logging
import TestSupport
import Testing

/// Sync jobs against the partners' stand-ins: settings, counts, incremental runs, conflicts,
/// failures, resuming after a stalled worker, the shared rate limit, and the push-back.
@Suite("Sync")
struct SyncTests {
    /// A harness with the stand-in's addresses saved as the partners' settings.
    static func run(
        limit: Int = 0, lease: Duration = .seconds(60), _ test: @Sendable (APIHarness, PartnerStandIn, IntegrationServices) async throws -> Void
    ) async throws {
        let standIn = PartnerStandIn()
        try await standIn.serve { port in
            try await APIHarness.run(configure: { configuration in
                configuration.partnerRateLimits = [.pennylane: PartnerRateLimit(limit: limit, window: .seconds(1)), .projectflow: PartnerRateLimit(limit: 0)]
                configuration.sync = SyncSettings(lease: lease, requestRetries: [.milliseconds(10), .milliseconds(10), .milliseconds(10)])
                configuration.callbackSecrets = [.pennylane: CallbacksTests.secret]
            }) { api in
                for (source, path) in [("pennylane", "pl/v2"), ("projectflow", "pf")] {
                    let saved = try await api.call(.put, "/api/v1/integrations/\(source)", as: .admin, json: """
                        {"api_token": "\(PartnerStandIn.token)", "base_url": "http://127.0.0.1:\(port)/\(path)"}
                        """)
                    #expect(saved.status == .ok, "\(saved.text)")
                }
                let services = IntegrationServices(
                    configuration: api.configuration, database: api.database, seal: SecretSeal(key: try api.configuration.requiredSecretKey()))
                try await test(api, standIn, services)
            }
        }
    }

    static func worker(_ services: IntegrationServices) -> SyncWorker {
        services.worker(logger: Logger(label: "sync-test"))
    }

    static func job(_ api: APIHarness, _ id: Int) async throws -> [String: Any] {
        try await api.call(.get, "/api/v1/sync/jobs/\(id)").data
    }

    @Test("settings keep the token sealed and show its last four characters; every problem is listed; the test says what happened")
    func settings() async throws {
        try await Self.run { api, _, _ in
            let shown = try await api.call(.get, "/api/v1/integrations/pennylane", as: .admin)
            #expect(shown.data["api_token_last4"] as? String == "1234")
            #expect(!shown.text.contains(PartnerStandIn.token))
            #expect(try await api.call(.get, "/api/v1/integrations/pennylane", as: .staff).status == .forbidden)
            let refused = try await api.call(.put, "/api/v1/integrations/pennylane", as: .admin, json: """
                {"base_url": "ftp://x", "schedule_minutes": 2, "webhook_secret": "short", "colour": "red"}
                """)
            #expect(refused.status == .badRequest)
            #expect(Set(refused.errorFields) == ["base_url", "schedule_minutes", "webhook_secret", "colour"])

            let tested = try await api.call(.post, "/api/v1/integrations/pennylane/test", as: .admin)
            #expect(tested.data["message"] as? String == "Connected to Pennylane as Atelier Lumière SAS.")
            let projectflow = try await api.call(.post, "/api/v1/integrations/projectflow/test", as: .admin)
            #expect(projectflow.data["message"] as? String == "Connected to ProjectFlow as Studio Nord.")

            _ = try await api.call(.put, "/api/v1/integrations/pennylane", as: .admin, json: #"{"api_token": "wrong-token"}"#)
            let badToken = try await api.call(.post, "/api/v1/integrations/pennylane/test", as: .admin)
            #expect(badToken.data["succeeded"] as? Bool == false)
            #expect((badToken.data["message"] as? String)?.contains("refused the API token (401)") == true)
            _ = try await api.call(.put, "/api/v1/integrations/pennylane", as: .admin, json: #"{"base_url": "http://127.0.0.1:9/v2"}"#)
            let unreachable = try await api.call(.post, "/api/v1/integrations/pennylane/test", as: .admin)
            #expect((unreachable.data["message"] as? String)?.hasPrefix("Could not reach Pennylane") == true, "\(unreachable.text)")
            // The longest token and secret, in characters of four bytes, fit once sealed.
            let long = try await api.call(.put, "/api/v1/integrations/pennylane", as: .admin, json: """
                {"api_token": "\(String(repeating: "🔑", count: 1000))", "webhook_secret": "\(String(repeating: "🔑", count: 256))"}
                """)
            #expect(long.status == .ok, "\(long.text)")
            let removed = try await api.call(.put, "/api/v1/integrations/pennylane", as: .admin, json: #"{"remove_api_token": true}"#)
            #expect(removed.data["configured"] as? Bool == false)
        }
    }

    @Test("a first sync imports quotes, invoices and customers with errors recorded; a second one takes only what changed, keeping what staff changed")
    func firstAndIncremental() async throws {
        try await Self.run { api, standIn, services in
            var invoices = PartnerStandIn.invoices(150)
            invoices[10]["amount"] = "a lot"
            invoices[20].removeValue(forKey: "id")
            let quotes: [[String: Any]] = (1...30).map { i in
                ["id": 500 + i, "label": "Quote \(i)", "quote_number": "D-\(i)", "currency": "EUR", "amount": "42.00",
                 "status": i <= 5 ? "accepted" : i <= 8 ? "denied" : "pending", "customer": ["id": 2], "updated_at": "2026-01-05T09:00:00Z"]
            }
            await standIn.set(quotes: .init(quotes), invoices: .init(invoices), customers: .init(PartnerStandIn.customers(3)))

            // Staff made this customer's organization before the first sync: it is adopted by its email.
            let existing = try await api.call(.post, "/api/v1/organizations", json: #"{"name": "Client Trois", "email": "client3@example.com"}"#)
            #expect(existing.status == .created, "\(existing.text)")
            let started = try await api.call(.post, "/api/v1/sync/pennylane", json: "{}")
            #expect(started.status == .accepted, "\(started.text)")
            let jobID = try #require(started.data["id"] as? Int)
            #expect(started.headers[.location]?.hasSuffix("/api/v1/sync/jobs/\(jobID)") == true)
            #expect(started.data["status"] as? String == "queued")
            #expect(try await Self.worker(services).runNextJob())

            var job = try await Self.job(api, jobID)
            #expect(job["status"] as? String == "completed", "\(job)")
            #expect(job["documents_processed"] as? Int == 180)
            #expect(job["documents_created"] as? Int == 178)
            #expect(job["documents_updated"] as? Int == 0)
            let errors = job["errors"] as? [[String: Any]] ?? []
            #expect(errors.count == 2)
            #expect(errors.contains { $0["external_id"] as? String == "1011" && ($0["message"] as? String)?.contains("amount") == true })
            #expect(errors.contains { $0["external_id"] is NSNull })

            let paid = try await api.call(.get, "/api/v1/document-engagements?external_source=pennylane&status=paid&per_page=100")
            #expect(paid.meta["total"] == 37, "every fourth invoice is paid")
            let accepted = try await api.call(.get, "/api/v1/document-engagements?document_type=pennylane_quote&status=accepted")
            #expect(accepted.meta["total"] == 5)
            let rejected = try await api.call(.get, "/api/v1/document-engagements?document_type=pennylane_quote&status=rejected")
            #expect(rejected.meta["total"] == 3)
            let contacts = try await api.call(.get, "/api/v1/contacts?search=Jeanne")
            #expect(contacts.meta["total"] == 1, "the individual customer is a contact")
            let organizations = try await api.call(.get, "/api/v1/organizations")
            #expect(organizations.meta["total"] == 2, "the companies are organizations, one adopted by its email")
            let one = try await api.call(.get, "/api/v1/document-engagements?search=1002").items.first ?? [:]
            #expect(one["external_id"] as? String == "1002")
            #expect(one["recipient_email"] as? String == "client3@example.com")
            #expect(one["organization_id"] as? Int == existing.data["id"] as? Int, "invoice 2 is for customer 3, adopted")
            #expect(one["pdf_url"] as? String == "https://files.example.com/inv-2.pdf")
            let oneID = try #require(one["id"] as? Int)
            let trail = try await api.call(.get, "/api/v1/document-engagements/\(oneID)/audit-trail").data
            #expect(trail["verified"] as? Bool == true, "the events written in bulk chain like any other: \(trail)")
            #expect((trail["events"] as? [[String: Any]])?.first?["event_type"] as? String == "status_changed")

            // Staff retitle one invoice; Pennylane then changes it and four others.
            let edited = try #require(try await api.call(.get, "/api/v1/document-engagements?search=1003").items.first?["id"] as? Int)
            #expect(try await api.call(.put, "/api/v1/document-engagements/\(edited)", json: #"{"title": "Retitled here"}"#).status == .ok)
            let later = ISOTimestamp.string(Date().addingTimeInterval(3600))
            for index in 1...5 {
                invoices[index]["amount"] = "999.00"
                invoices[index]["label"] = "Changed in Pennylane"
                invoices[index]["updated_at"] = later
            }
            await standIn.set(invoices: .init(invoices))
            let second = try await api.call(.post, "/api/v1/sync/pennylane", json: #"{"full": false}"#)
            let secondID = try #require(second.data["id"] as? Int)
            #expect(second.data["full"] as? Bool == false)
            #expect(try await Self.worker(services).runNextJob())
            job = try await Self.job(api, secondID)
            #expect(job["status"] as? String == "completed")
            #expect(job["documents_processed"] as? Int == 5, "\(job)")
            #expect(job["documents_updated"] as? Int == 5)
            #expect(job["documents_created"] as? Int == 0)
            #expect(await standIn.listRequests("customer_invoices").last?.contains("filter=") == true)
            let kept = try await api.call(.get, "/api/v1/document-engagements/\(edited)").data
            #expect(kept["title"] as? String == "Retitled here", "staff's title is kept")
            #expect(kept["total_amount"] as? String == "999.00" || kept["total_amount"] as? Double == 999, "\(kept)")

            let listed = try await api.call(.get, "/api/v1/sync/jobs?source=pennylane&status=completed")
            #expect(listed.ids == [Int64(secondID), Int64(jobID)])
            #expect(try await api.call(.get, "/api/v1/sync/jobs?status=sleeping&colour=red").errorFields.sorted() == ["colour", "status"])
            let errorPage = try await api.call(.get, "/api/v1/sync/jobs/\(jobID)/errors?per_page=1&page=2")
            #expect(errorPage.items.count == 1)
            #expect(errorPage.meta["total"] == 2)
        }
    }

    @Test("one job per source (409 with the running job), a partner down at start is a 503, an unset one a 422; a job fails after the retries")
    func refusals() async throws {
        try await Self.run { api, standIn, services in
            let first = try await api.call(.post, "/api/v1/sync/pennylane")
            let id = try #require(first.data["id"] as? Int)
            let second = try await api.call(.post, "/api/v1/sync/pennylane")
            #expect(second.status == .conflict)
            #expect(second.errorCode == "SYNC_ALREADY_RUNNING")
            #expect(second.details.first?["message"] as? String == String(id))
            #expect(try await api.call(.post, "/api/v1/sync/pennylane", as: .viewer).status == .forbidden)

            await standIn.fail(down: true)
            #expect(try await Self.worker(services).runNextJob())
            let failed = try await Self.job(api, id)
            #expect(failed["status"] as? String == "failed")
            #expect((failed["failure"] as? String)?.contains("503") == true, "\(failed)")
            let unavailable = try await api.call(.post, "/api/v1/sync/pennylane")
            #expect(unavailable.status == .serviceUnavailable)
            #expect(unavailable.errorCode == "EXTERNAL_SERVICE_UNAVAILABLE")
            #expect(unavailable.headers[.retryAfter] == "30")

            _ = try await api.call(.put, "/api/v1/integrations/projectflow", as: .admin, json: #"{"remove_api_token": true}"#)
            let unset = try await api.call(.post, "/api/v1/sync/projectflow")
            #expect(unset.status == .badRequest)
            #expect(unset.errorFields == ["source"])
            #expect(try await api.call(.post, "/api/v1/sync/quickbooks").status == .notFound)
        }
    }

    @Test("a worker that stalls past its lease loses the job to another, which resumes from the checkpoint: nothing is counted twice")
    func resume() async throws {
        try await Self.run(lease: .seconds(1)) { api, standIn, services in
            await standIn.set(invoices: .init(PartnerStandIn.invoices(350)), customers: .init(PartnerStandIn.customers(3)))
            await standIn.fail(stall: (cursor: "c200", duration: .seconds(5)))
            let id = try #require(try await api.call(.post, "/api/v1/sync/pennylane").data["id"] as? Int)
            let stalled = Task { try await Self.worker(services).runNextJob() }
            while try await Self.job(api, id)["status"] as? String == "queued" { try await Task.sleep(for: .milliseconds(20)) }
            // The second worker takes the job over once the first one's lease (1 s after its last page) ends.
            let rescuer = Self.worker(services)
            var tookOver = false
            for _ in 0..<40 where !tookOver {
                try await Task.sleep(for: .milliseconds(100))
                tookOver = try await rescuer.runNextJob()
            }
            #expect(tookOver, "the second worker takes the job over")
            _ = try await stalled.value
            let job = try await Self.job(api, id)
            #expect(job["status"] as? String == "completed")
            #expect(job["documents_processed"] as? Int == 350)
            #expect(job["documents_created"] as? Int == 350)
            #expect(job["resumed"] as? Int == 1)
            let all = try await api.call(.get, "/api/v1/document-engagements?external_source=pennylane&per_page=1")
            #expect(all.meta["total"] == 350)
        }
    }

    @Test("two workers sharing a token never exceed its limit, and a 429 makes them wait its Retry-After")
    func rateLimit() async throws {
        try await Self.run(limit: 5) { api, standIn, services in
            await standIn.set(invoices: .init(PartnerStandIn.invoices(600)), customers: .init(PartnerStandIn.customers(3)))
            await standIn.fail(tooManyRequests: 1)
            let id = try #require(try await api.call(.post, "/api/v1/sync/pennylane").data["id"] as? Int)
            async let sync = Self.worker(services).runNextJob()
            // A second worker uses the same token meanwhile (connection tests).
            for _ in 0..<6 {
                #expect(try await services.settings.testConnection(.pennylane, by: Actor(user: api.admin)).succeeded)
            }
            _ = try await sync
            let job = try await Self.job(api, id)
            #expect(job["status"] as? String == "completed", "\(job)")
            #expect(job["documents_created"] as? Int == 600)
            let busiest = await standIn.busiestWindow(1.0)
            #expect(busiest <= 5, "at most 5 requests in any second, saw \(busiest)")
        }
    }

    @Test("ProjectFlow approvals come in with their clients, the total known from the first page")
    func projectFlow() async throws {
        try await Self.run { api, standIn, services in
            let approvals: [[String: Any]] = (1...120).map { i in
                ["id": "APR-\(i)", "reference": "P-\(i)", "title": "Approve phase \(i)", "status": i % 10 == 0 ? "approved" : "pending",
                 "amount": 1200, "currency": "EUR", "due_date": "2026-05-01", "url": "https://pf.example.com/a/\(i)",
                 "client": ["id": "CL-\(i % 2)", "name": "Client \(i % 2)", "email": "pf\(i % 2)@example.com", "type": "company"],
                 "updated_at": "2026-02-01T00:00:00Z"]
            }
            await standIn.set(approvals: .init(approvals))
            let id = try #require(try await api.call(.post, "/api/v1/sync/projectflow").data["id"] as? Int)
            #expect(try await Self.worker(services).runNextJob())
            let job = try await Self.job(api, id)
            #expect(job["total"] as? Int == 120)
            #expect(job["percent"] as? Int == 100)
            #expect(job["documents_created"] as? Int == 120)
            let approved = try await api.call(.get, "/api/v1/document-engagements?document_type=project_approval&status=accepted")
            #expect(approved.meta["total"] == 12)
            #expect(try await api.call(.get, "/api/v1/organizations").meta["total"] == 2)
        }
    }

    @Test("a schedule starts an incremental job when it is due, never beside a running one; callbacks verify with the secret in settings")
    func scheduleAndCallbackSecret() async throws {
        try await Self.run { api, standIn, services in
            await standIn.set(invoices: .init(PartnerStandIn.invoices(10)), customers: .init(PartnerStandIn.customers(3)))
            _ = try await api.call(.put, "/api/v1/integrations/pennylane", as: .admin, json: #"{"schedule_minutes": 30}"#)
            let worker = Self.worker(services)
            #expect(try await worker.startScheduled() == 1)
            #expect(try await worker.startScheduled() == 0, "one job queued: none beside it")
            #expect(try await worker.runNextJob())
            #expect(try await worker.startScheduled(at: Date().addingTimeInterval(29 * 60)) == 0, "not due yet")
            #expect(try await worker.startScheduled(at: Date().addingTimeInterval(31 * 60)) == 1)
            let jobs = try await api.call(.get, "/api/v1/sync/jobs?source=pennylane").items
            #expect(jobs.map { $0["trigger"] as? String } == ["schedule", "schedule"])
            #expect(jobs.map { $0["full"] as? Bool } == [false, true], "the first is full, the next only what changed")

            // The environment's secret (CallbacksTests.secret) verifies until settings hold one.
            let first = #"{"id": 77, "event": "customer_invoice.paid", "data": {"object": {"id": "1004"}}}"#
            #expect(try await CallbacksTests.post(api, first, signature: CallbacksTests.signature(first)).0 == .ok)
            let secret = "whsec-from-settings-0123456789"
            _ = try await api.call(.put, "/api/v1/integrations/pennylane", as: .admin, json: #"{"webhook_secret": "\#(secret)"}"#)
            let body = #"{"id": 78, "event": "customer_invoice.paid", "data": {"object": {"id": "1008"}}}"#
            let time = Int64(Date().timeIntervalSince1970)
            let mac = HMAC<SHA256>.authenticationCode(for: Data("\(time).\(body)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
            #expect(try await CallbacksTests.post(api, body, signature: "t=\(time),v1=" + Data(mac).map { String(format: "%02x", $0) }.joined()).0 == .ok)
            #expect(try await CallbacksTests.post(api, body, signature: CallbacksTests.signature(body)).0 == .unauthorized,
                    "the environment's secret is only the fallback")
        }
    }

    @Test("a Pennylane quote accepted here is written back once, shown on its timeline; a status Pennylane reported is not echoed")
    func pushBack() async throws {
        try await Self.run { api, standIn, services in
            await standIn.set(quotes: .init([
                ["id": 701, "label": "Website redesign", "amount": "4800.00", "status": "pending", "updated_at": "2026-01-01T00:00:00Z"],
                ["id": 702, "label": "Already accepted there", "amount": "10.00", "status": "accepted", "updated_at": "2026-01-01T00:00:00Z"],
            ]))
            _ = try await api.call(.post, "/api/v1/sync/pennylane")
            let worker = Self.worker(services)
            #expect(try await worker.runNextJob())
            #expect(try await worker.pushBatch() == 0, "what Pennylane reported is not pushed back")

            let id = try #require(try await api.call(.get, "/api/v1/document-engagements?search=701").items.first?["id"] as? Int)
            #expect(try await api.call(.put, "/api/v1/document-engagements/\(id)", json: #"{"status": "accepted"}"#).status == .ok)
            #expect(try await api.call(.put, "/api/v1/document-engagements/\(id)", json: #"{"status": "signed"}"#).status == .ok)
            #expect(try await worker.pushBatch() == 1, "accepted then signed: one push")
            #expect(try await worker.pushBatch() == 0)
            let updates = await standIn.updates()
            #expect(updates.map(\.id) == ["701"])
            #expect(updates.first?.body == #"{"status":"accepted"}"#)
            let events = try await api.call(.get, "/api/v1/document-engagements/\(id)/events").items.compactMap { $0["event_type"] as? String }
            #expect(events.contains("partner_updated"), "\(events)")
        }
    }
}
