import ArgumentParser
import Engage
import Foundation

/// `engage create-api-key`: an integrator's key without opening the portal (provisioning, CI).
struct CreateAPIKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-api-key",
        abstract: "Create an API key on behalf of an active staff account; prints the key once on standard output.")

    @Option(help: "A name that says who uses the key.")
    var name: String
    @Option(help: "admin, staff or viewer.")
    var role: String
    @Option(help: "Email of the active account recorded as the key's creator.")
    var creator: String
    @Option(help: "Days until the key expires (1 to 3650); never when omitted.")
    var expiresInDays = ""
    @Flag(help: "Every request with the key must be signed (X-Engage-Time, X-Engage-Signature); the signing secret is printed on a second line.")
    var requireSignature = false

    func run() async throws {
        let (configuration, logger) = try Startup.load()
        let database = Database(configuration: configuration, logger: logger)
        try await Startup.reportingFailure {
            guard let user = try await UserService(database: database).activeUser(email: creator) else {
                Startup.fail("--creator: no active account with this email")
                throw ExitCode.failure
            }
            do {
                let seal = SecretSeal(key: try configuration.requiredSecretKey())
                let created = try await APIKeyService(database: database, seal: seal)
                    .create(name: name, role: role, expiresInDays: expiresInDays, requireSignature: requireSignature, by: user)
                print(created.secret)
                if let signing = created.signingSecret { print(signing) }
            } catch let error as Engage.ValidationError {
                throw Startup.report(error)
            }
        }
        await database.shutdown()
    }
}
