import Engage
import Hummingbird
import Logging
import Prometheus

/// `GET /metrics` in Prometheus's text format, on a port of its own (`ENGAGE_METRICS_PORT`), never on
/// the public one: request counts and latencies by route pattern and status, the event recorder's
/// batch sizes, lock conflicts retried and claims made (this process's), the connection pool (this
/// process's), and the outbox, webhook deliveries and sync jobs by status with the age of the
/// oldest due row (the database's, the same from every node).
public struct MetricsEndpoint: Sendable {
    let registry: PrometheusCollectorRegistry
    let operations: OperationsService

    public init(registry: PrometheusCollectorRegistry, database: Database) {
        self.registry = registry
        self.operations = OperationsService(database: database)
    }

    /// The metrics listener on `host:port`.
    public func application(host: String, port: Int, logger: Logger) -> some ApplicationProtocol {
        let router = Router()
        router.get("/metrics") { _, _ in try await render() }
        return Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "OuiEngage-metrics"), logger: logger)
    }

    func render() async throws -> Response {
        let snapshot = try await operations.snapshot()
        let pool = snapshot.pool
        gauge("engage_db_pool_connections", [("state", "in_use")]).set(to: Double(pool.inUse))
        gauge("engage_db_pool_connections", [("state", "idle")]).set(to: Double(pool.idle))
        gauge("engage_db_pool_waiting").set(to: Double(pool.waiting))
        set("engage_outbox_messages", counts: snapshot.outbox, statuses: OutboxStatus.allCases.map(\.rawValue))
        gauge("engage_outbox_oldest_due_seconds").set(to: snapshot.outboxOldestDueSeconds)
        set("engage_webhook_deliveries", counts: snapshot.webhookDeliveries, statuses: WebhookDelivery.Status.allCases.map(\.rawValue))
        gauge("engage_webhook_oldest_due_seconds").set(to: snapshot.webhookOldestDueSeconds)
        set("engage_sync_jobs", counts: snapshot.syncJobs, statuses: SyncJob.Status.allCases.map(\.rawValue))
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
    }

    /// Every status gets its series, zero included, so a queue that empties reads 0 instead of vanishing.
    private func set(_ name: String, counts: [String: Int], statuses: [String]) {
        for status in statuses {
            gauge(name, [("status", status)]).set(to: Double(counts[status] ?? 0))
        }
    }

    private func gauge(_ name: String, _ labels: [(String, String)] = []) -> Gauge {
        labels.isEmpty ? registry.makeGauge(name: name) : registry.makeGauge(name: name, labels: labels)
    }
}
