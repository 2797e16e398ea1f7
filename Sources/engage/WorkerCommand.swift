import ArgumentParser
import Engage
import Logging
import ServiceLifecycle

/// `engage worker`: deliver the outbox and webhooks, queue reminders and run sync jobs, without serving HTTP.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Deliver queued emails, SMS and webhooks, queue reminders and run sync jobs, until SIGINT/SIGTERM.")

    func run() async throws {
        let (configuration, logger) = try Startup.load()
        let database = Database(configuration: configuration, logger: logger)
        let messaging = try await Startup.reportingFailure { try MessageServices(configuration: configuration, database: database) }
        let outbox = messaging.worker(configuration: configuration, database: database, logger: logger)
        let integrations = IntegrationServices(configuration: configuration, database: database, seal: messaging.seal)
        let webhooks = WebhookWorker(
                database: database, settings: configuration.webhooks, seal: messaging.seal,
                callbacks: integrations.callbacks, logger: logger)
        try await ServiceGroup(
            services: [
                WorkerService(loop: outbox.run), WorkerService(loop: webhooks.run), WorkerService(loop: integrations.worker(logger: logger).run),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ).run()
        await database.shutdown()
    }
}

/// A worker's loop as a service: it stops taking new batches on shutdown and finishes the one under way.
struct WorkerService: Service {
    let loop: @Sendable () async -> Void

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await loop()
        }
    }
}
