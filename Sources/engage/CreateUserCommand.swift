import ArgumentParser
import Engage
import Foundation

/// `engage create-user`: adds a staff account from the command line.
struct CreateUserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-user",
        abstract: "Create a staff account; prints a generated password when none is given.")

    @Option(help: "Sign-in email.")
    var email: String
    @Option(help: "Full name.")
    var name: String
    @Option(help: "admin, staff or viewer.")
    var role: String
    @Option(help: "Password (at least 12 characters). Omit it to get a generated one.")
    var password: String?
    @Flag(help: "Do nothing when an active admin already exists (used by make run).")
    var ifNoAdmin = false

    func run() async throws {
        let (configuration, logger) = try Startup.load()
        let database = Database(configuration: configuration, logger: logger)
        let users = UserService(database: database)
        try await Startup.reportingFailure {
            if ifNoAdmin, try await users.activeAdminExists() { return }
            let chosenPassword = password ?? UserService.generatePassword()
            do {
                let user = try await users.create(email: email, name: name, role: role, password: chosenPassword)
                print("Created \(user.role.rawValue) \(user.email).")
                if password == nil {
                    print("Password (shown once, change it after signing in): \(chosenPassword)")
                }
            } catch let error as Engage.ValidationError {
                for field in error.fields {
                    FileHandle.standardError.write(Data("engage: \(field.field): \(field.message)\n".utf8))
                }
                throw ExitCode.failure
            }
        }
        await database.shutdown()
    }
}
