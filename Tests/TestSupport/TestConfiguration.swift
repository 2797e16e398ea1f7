import Engage
import MariaDB

extension EngageConfiguration {
    /// The application's configuration for tests: the checkout's templates and files, the given database.
    public static func forTesting(database: MariaDBConfiguration) throws -> EngageConfiguration {
        var configuration = try EngageConfiguration(
            environment: ["ENGAGE_DATABASE_URL": "mariadb://placeholder@localhost/", "ENGAGE_ROOT": Checkout.root.path],
            dotEnvPath: nil)
        configuration.database = database
        return configuration
    }
}
