import ArgumentParser
import Engage
import Foundation
import Logging

/// Shared start-up steps of the commands.
enum Startup {
    /// Reads the configuration and sets up logging; a bad value exits with one line naming the variable.
    static func load() throws -> (EngageConfiguration, Logger) {
        let configuration: EngageConfiguration
        do {
            configuration = try EngageConfiguration()
        } catch {
            fail("configuration error: \(error)")
            throw ExitCode(78)  // EX_CONFIG
        }
        let level = configuration.logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return (configuration, Logger(label: "engage"))
    }

    /// Runs `body`; a configuration, database or migration failure exits with one clear line instead of a trace.
    @discardableResult
    static func reportingFailure<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ConfigurationError {
            fail("configuration error: \(error)")
            throw ExitCode(78)
        } catch let error as MigrationError {
            fail("\(error)")
            throw ExitCode.failure
        } catch let error as DatabaseError {
            fail("database: \(error)")
            throw ExitCode.failure
        } catch let error as ServiceUnavailable {
            fail("database: \(error.detail)")
            throw ExitCode.failure
        }
    }

    /// Prints each field problem on its own line; the command then exits with failure.
    static func report(_ error: Engage.ValidationError) -> ExitCode {
        for field in error.fields { fail("\(field.field): \(field.message)") }
        return ExitCode.failure
    }

    static func fail(_ message: String) {
        FileHandle.standardError.write(Data("engage: \(message)\n".utf8))
    }
}
