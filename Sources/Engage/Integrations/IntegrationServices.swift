import Foundation
import Logging

/// The integration services of one process, sharing one HTTP client: settings, sync jobs,
/// partners' callbacks and the worker that runs jobs and push-backs.
public struct IntegrationServices: Sendable {
    public let settings: IntegrationSettingsService
    public let sync: SyncService
    public let callbacks: IncomingWebhookService
    private let database: Database
    private let syncSettings: SyncSettings

    public init(configuration: EngageConfiguration, database: Database, seal: SecretSeal, http: PartnerHTTP = PartnerHTTP()) {
        let settings = IntegrationSettingsService(
            database: database, seal: seal, http: http, limits: configuration.partnerRateLimits,
            fallbackSecrets: configuration.callbackSecrets, retries: configuration.sync.requestRetries)
        self.settings = settings
        self.database = database
        sync = SyncService(database: database, integrations: settings)
        callbacks = IncomingWebhookService(database: database, secret: { try await settings.callbackSecret($0) })
        syncSettings = configuration.sync
    }

    public func worker(logger: Logger) -> SyncWorker {
        SyncWorker(database: database, integrations: settings, settings: syncSettings, logger: logger)
    }
}
