import ArgumentParser
import Engage
import Foundation

/// `engage analytics-rebuild`: counts every event again into the daily counts analytics read.
struct AnalyticsRebuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analytics-rebuild",
        abstract: "Count every event again into the daily analytics counts (after upgrading, or changing ENGAGE_TIME_ZONE); stop serve and workers first.")

    func run() async throws {
        let (configuration, logger) = try Startup.load()
        let database = Database(configuration: configuration, logger: logger)
        try await Startup.reportingFailure {
            let started = ContinuousClock.now
            let counted = try await AnalyticsService(database: database).rebuild { counted in
                if counted % 1_000_000 < 20_000 { print("counted \(counted) events (\(ContinuousClock.now - started))") }
            }
            print("counted \(counted) events in \(ContinuousClock.now - started), days in \(configuration.days.zone.identifier)")
        }
        await database.shutdown()
    }
}
