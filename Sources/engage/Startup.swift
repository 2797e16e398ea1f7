import ArgumentParser
import Engage
import EngageWeb
import Foundation
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

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
        switch configuration.logFormat {
        case .text:
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        case .json:
            LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
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

extension Startup {
    /// With `ENGAGE_METRICS_PORT` set, metrics go to a Prometheus registry and a listener of their own
    /// serves them; the service to run beside the others, or none.
    static func metricsService(configuration: EngageConfiguration, database: Database, logger: Logger) -> (any Service)? {
        guard let port = configuration.metricsPort else { return nil }
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.valueHistogramBuckets["engage_event_batch_size"] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 500]
        factory.defaultDurationHistogramBuckets = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(10),
        ]
        MetricsSystem.bootstrap(factory)
        logger.info("metrics", metadata: ["address": "http://\(configuration.metricsHost):\(port)/metrics"])
        return MetricsEndpoint(registry: registry, database: database).application(
            host: configuration.metricsHost, port: port, logger: logger)
    }
}
