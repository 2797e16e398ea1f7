import ArgumentParser
import Engage
import EngageWeb
import ServiceLifecycle

/// `engage serve`: migrate, then serve HTTP (and run the workers) until SIGINT/SIGTERM.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Apply pending migrations, then serve the portal and the API and deliver the outbox.")

    @Flag(name: .customLong("no-migrate"), help: "Do not apply pending migrations before serving.")
    var skipMigrations = false

    @Flag(name: .customLong("no-worker"), help: "Do not deliver the outbox here (run `engage worker` elsewhere).")
    var skipWorker = false

    func run() async throws {
        let (configuration, logger) = try Startup.load()
        let database = Database(configuration: configuration, logger: logger)
        if !skipMigrations {
            try await Startup.reportingFailure {
                try await MigrationRunner(database: database, directory: configuration.migrationsDirectory, logger: logger).migrate()
            }
        }
        let messaging = try await Startup.reportingFailure { try MessageServices(configuration: configuration, database: database) }
        let integrations = IntegrationServices(configuration: configuration, database: database, seal: messaging.seal)
        let app = try await Startup.reportingFailure {
            try await buildApplication(
                configuration: configuration, database: database, messaging: messaging, integrations: integrations, logger: logger)
        }
        var services: [any Service] = [app]
        if let metrics = Startup.metricsService(configuration: configuration, database: database, logger: logger) {
            services.append(metrics)
        }
        if !skipWorker {
            services += WorkerService.all(
                configuration: configuration, database: database, messaging: messaging, integrations: integrations, logger: logger)
        }
        logger.info("serving", metadata: ["address": "http://\(configuration.httpHost):\(configuration.httpPort)"])
        try await ServiceGroup(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger).run()
        await database.shutdown()
    }
}
