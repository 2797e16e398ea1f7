import Engage
@testable import EngageWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Prometheus
import TestSupport
import Testing

/// `GET /metrics` on the metrics port: the queues by status with the age of the oldest due row, and the pool.
@Suite("Metrics")
struct MetricsTests {
    @Test("queues by status (zero included), the oldest due row's age and the pool, in Prometheus's text format")
    func queuesAndPool() async throws {
        try await APIHarness.run { api in
            let document = try await api.createDocument(#"{"document_type": "custom", "title": "Metrics", "recipient_email": "m@example.com"}"#)
            let sent = try await api.call(.post, "/api/v1/document-engagements/\(document)/send", json: #"{"channel": "email"}"#)
            #expect(sent.status == .accepted)
            try await api.sql("UPDATE outbox_messages SET next_attempt_at = UTC_TIMESTAMP(6) - INTERVAL 90 SECOND")
            let endpoint = MetricsEndpoint(registry: PrometheusCollectorRegistry(), database: api.database)
            let application = endpoint.application(host: "127.0.0.1", port: 0, logger: .init(label: "test"))
            try await application.test(.router) { client in
                let response = try await client.execute(uri: "/metrics", method: .get)
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                let text = String(buffer: response.body)
                #expect(text.contains(#"engage_outbox_messages{status="queued"} 1"#))
                #expect(text.contains(#"engage_outbox_messages{status="dead"} 0"#))
                #expect(text.contains(#"engage_webhook_deliveries{status="queued"} 0"#))
                #expect(text.contains(#"engage_sync_jobs{status="running"} 0"#))
                #expect(text.contains(#"engage_db_pool_connections{state="idle"}"#))
                #expect(text.contains("engage_db_pool_waiting 0"))
                let age = text.split(separator: "\n").first { $0.hasPrefix("engage_outbox_oldest_due_seconds ") }
                    .flatMap { Double($0.split(separator: " ")[1]) }
                #expect((90.0..<150.0).contains(try #require(age)))
            }
        }
    }
}
