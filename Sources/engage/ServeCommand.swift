import ArgumentParser
import Engage
import EngageWeb

/// `engage serve`: migrate, then serve HTTP until SIGINT/SIGTERM.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Apply pending migrations, then serve the portal and the API.")

    @Flag(name: .customLong("no-migrate"), help: "Do not apply pending migrations before serving.")
    var skipMigrations = false

    func run() async throws {
        let (configuration, logger) = try Startup.load()
        let database = Database(configuration: configuration, logger: logger)
        if !skipMigrations {
            try await Startup.reportingFailure {
                try await MigrationRunner(pool: database.pool, directory: configuration.migrationsDirectory, logger: logger).migrate()
            }
        }
        let app = try await Startup.reportingFailure {
            try await buildApplication(configuration: configuration, database: database, logger: logger)
        }
        logger.info("serving", metadata: ["address": "http://\(configuration.httpHost):\(configuration.httpPort)"])
        try await app.runService()
        await database.pool.shutdown()
    }
}
