import ArgumentParser
import Engage
import Logging
import ServiceLifecycle

/// `engage worker`: deliver the outbox (and queue reminders) without serving HTTP.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Deliver queued emails and SMS and queue reminders, until SIGINT/SIGTERM.")

    func run() async throws {
        let (configuration, logger) = try Startup.load()
        let database = Database(configuration: configuration, logger: logger)
        let messaging = try await Startup.reportingFailure { try MessageServices(configuration: configuration, database: database) }
        let worker = OutboxWorkerService(worker: messaging.worker(configuration: configuration, database: database, logger: logger))
        try await ServiceGroup(services: [worker], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger).run()
        await database.shutdown()
    }
}

/// The outbox worker as a service: it stops taking new batches on shutdown and finishes the one under way.
struct OutboxWorkerService: Service {
    let worker: OutboxWorker

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await worker.run()
        }
    }
}
