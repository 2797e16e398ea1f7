import ArgumentParser
import Engage
import Logging
import ServiceLifecycle

/// `engage worker`: deliver the outbox and webhooks, queue reminders, run sync jobs and build exports, without serving HTTP.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Deliver queued emails, SMS and webhooks, queue reminders, run sync jobs, merge lead syncs and build large exports, until SIGINT/SIGTERM.")

    func run() async throws {
        let (configuration, logger) = try Startup.load()
        let database = Database(configuration: configuration, logger: logger)
        try await Startup.reportingFailure {
            try await waitForMigrations(MigrationRunner(database: database, directory: configuration.migrationsDirectory, logger: logger), logger)
        }
        let messaging = try await Startup.reportingFailure { try MessageServices(configuration: configuration, database: database) }
        let integrations = IntegrationServices(configuration: configuration, database: database, seal: messaging.seal)
        var services: [any Service] = WorkerService.all(
            configuration: configuration, database: database, messaging: messaging, integrations: integrations, logger: logger)
        if let metrics = Startup.metricsService(configuration: configuration, database: database, logger: logger) {
            services.append(metrics)
        }
        try await ServiceGroup(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ).run()
        await database.shutdown()
    }
}

/// Workers started beside the servers that migrate (a cluster's nodes start together) wait for the
/// schema instead of failing every loop on tables that are not there yet.
private func waitForMigrations(_ runner: MigrationRunner, _ logger: Logger) async throws {
    var told = false
    while try await runner.status().contains(where: { $0.state == .pending }) {
        if !told { logger.info("waiting for pending migrations (engage serve or engage migrate applies them)") }
        told = true
        try await Task.sleep(for: .seconds(1))
    }
}

/// A worker's loop as a service: it stops taking new batches on shutdown and finishes the one under way.
struct WorkerService: Service {
    let loop: @Sendable () async -> Void

    /// Every worker loop: the outbox, webhooks, sync jobs and push-backs, exports, document expiry, and lead syncs.
    static func all(
        configuration: EngageConfiguration, database: Database, messaging: MessageServices, integrations: IntegrationServices, logger: Logger
    ) -> [WorkerService] {
        let outbox = messaging.worker(configuration: configuration, database: database, logger: logger)
        let webhooks = WebhookWorker(
            database: database, settings: configuration.webhooks, seal: messaging.seal, callbacks: integrations.callbacks, logger: logger)
        return [
            WorkerService(loop: outbox.run), WorkerService(loop: webhooks.run), WorkerService(loop: integrations.worker(logger: logger).run),
            WorkerService(loop: ExportWorker(database: database, logger: logger).run),
            WorkerService(loop: DocumentExpiry(database: database, sender: messaging.sender, logger: logger).run),
            WorkerService(loop: LeadSyncWorker(database: database, logger: logger).run),
        ]
    }

    func run() async throws {
        // Claims must see every claim committed on any node before them (see `Database.causalReads`).
        await Database.$causalReads.withValue(true) {
            await cancelWhenGracefulShutdown {
                await loop()
            }
        }
    }
}
