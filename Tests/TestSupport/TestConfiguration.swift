import Engage
import Foundation
import MariaDB

extension EngageConfiguration {
    /// The JWT secret of test applications.
    public static let testJWTSecret = "test-secret-0123456789abcdef0123456789abcdef"
    /// The outbox's sealing key of test applications (32 bytes).
    public static let testSecretKey = Data(repeating: 7, count: 32)

    /// The application's configuration for tests: the checkout's templates and files, the given database.
    public static func forTesting(database: MariaDBConfiguration) throws -> EngageConfiguration {
        var configuration = try EngageConfiguration(
            environment: [
                "ENGAGE_DATABASE_URL": "mariadb://placeholder@localhost/",
                "ENGAGE_ROOT": Checkout.root.path,
                "ENGAGE_JWT_SECRET": testJWTSecret,
                "ENGAGE_SECRET_KEY": testSecretKey.base64EncodedString(),
            ],
            dotEnvPath: nil)
        configuration.database = database
        // Uploads of each test application go to a folder of their own, never into the checkout.
        configuration.storageDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("engage-storage-\(UUID().uuidString)").path
        configuration.mailDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("engage-mail-\(UUID().uuidString)").path
        return configuration
    }
}
