import ArgumentParser
import Engage
import Foundation

/// `engage migrate [--status]`.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply pending migrations, or list them with --status.")

    @Flag(help: "List every migration and whether it is applied, pending or changed.")
    var status = false

    func run() async throws {
        let (configuration, logger) = try Startup.load()
        let database = Database(configuration: configuration, logger: logger)
        let runner = MigrationRunner(database: database, directory: configuration.migrationsDirectory, logger: logger)
        try await Startup.reportingFailure {
            if status {
                let lines = try await runner.status()
                if lines.isEmpty { print("No migration files in \(configuration.migrationsDirectory).") }
                for line in lines {
                    let applied = line.appliedAt.map { "  applied \($0.formatted(.iso8601))" } ?? ""
                    print(line.state.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0) + line.fileName + applied)
                }
            } else {
                let applied = try await runner.migrate()
                print(applied.isEmpty
                    ? "No pending migration."
                    : "Applied \(applied.count) migration(s): \(applied.map(\.fileName).joined(separator: ", "))")
            }
        }
        await database.shutdown()
    }
}
