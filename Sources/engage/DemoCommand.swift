import ArgumentParser
import Engage
import Foundation

/// `engage demo`: fills the database with realistic demo organizations, contacts and documents.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Add demo organizations, contacts and documents with their events, counted for analytics (a million documents and ten million events take about ten minutes).")

    @Option(help: "Documents to add.")
    var documents = 200
    @Option(help: "Organizations to add.")
    var organizations = 50
    @Option(help: "Contacts to add, spread over the organizations.")
    var contacts = 150

    func validate() throws {
        for (name, value) in [("documents", documents), ("organizations", organizations), ("contacts", contacts)] {
            guard (0...10_000_000).contains(value) else { throw ValidationError("--\(name) must be between 0 and 10000000") }
        }
    }

    func run() async throws {
        let (configuration, logger) = try Startup.load()
        let database = Database(configuration: configuration, logger: logger)
        try await Startup.reportingFailure {
            let started = ContinuousClock.now
            try await DemoDataService(database: database).load(
                organizations: organizations, contacts: contacts, documents: documents
            ) { step in print("added \(step) (\(ContinuousClock.now - started))") }
        }
        await database.shutdown()
    }
}
