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
    @Flag(help: "Read the password (at least 12 characters) from the first line of standard input, so it never shows in the process list. Without it, a strong password is generated and printed.")
    var passwordStdin = false
    @Flag(help: "Do nothing when an active admin already exists (used by make run).")
    var ifNoAdmin = false

    func run() async throws {
        let (configuration, logger) = try Startup.load()
        let database = Database(configuration: configuration, logger: logger)
        let users = UserService(database: database)
        try await Startup.reportingFailure {
            if ifNoAdmin, try await users.activeAdminExists() { return }
            let given = passwordStdin ? try Self.passwordFromStandardInput() : nil
            let chosenPassword = given ?? UserService.generatePassword()
            do {
                let user = try await users.create(email: email, name: name, role: role, password: chosenPassword)
                print("Created \(user.role.rawValue) \(user.email).")
                if given == nil {
                    print("Password (shown once, change it after signing in): \(chosenPassword)")
                }
            } catch let error as Engage.ValidationError {
                throw Startup.report(error)
            }
        }
        await database.shutdown()
    }

    /// The first line of standard input, without its line end; an empty input is an error, not a generated password.
    private static func passwordFromStandardInput() throws -> String {
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            Startup.fail("--password-stdin: no password on standard input")
            throw ExitCode.failure
        }
        return line
    }
}
