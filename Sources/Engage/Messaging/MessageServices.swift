import Foundation
import Logging

/// The messaging services of one configuration, built together because they share templates and links.
public struct MessageServices: Sendable {
    public let templates: MessageTemplateService
    public let sender: SendService
    public let outbox: OutboxService
    public let reminders: ReminderService
    public let links: PublicLinks
    /// Seals link secrets in the outbox (`ENGAGE_SECRET_KEY`).
    public let seal: SecretSeal
    /// Completion certificates, signed with the key derived from the same secret; the worker
    /// attaches their PDFs to the copies parties get.
    public let certificates: CertificateService
    /// Every sentence in each language (`Templates/messages/`), for the mail layout and the web pages.
    public let catalogue: MessageCatalogue

    /// Loads the templates (a missing one stops start-up) and builds the services on `database`.
    public init(configuration: EngageConfiguration, database: Database) throws {
        links = PublicLinks(base: configuration.baseURL.absoluteString)
        seal = SecretSeal(key: try configuration.requiredSecretKey())
        certificates = CertificateService(
            database: database, signer: CertificateSigner(secretKey: try configuration.requiredSecretKey()),
            pdfs: PDFStore(directory: configuration.storageDirectory, maximumBytes: configuration.pdfMaximumBytes))
        catalogue = try MessageCatalogue(templatesDirectory: configuration.templatesDirectory)
        let renderer = try MessageRenderer(
            templatesDirectory: configuration.templatesDirectory, companyName: configuration.companyName, catalogue: catalogue)
        templates = try MessageTemplateService(database: database, templatesDirectory: configuration.templatesDirectory, renderer: renderer)
        sender = SendService(
            database: database, templates: templates, links: links, senderName: configuration.companyName,
            messageIDDomain: configuration.baseURL.host ?? "localhost", seal: seal)
        outbox = OutboxService(database: database, seal: seal)
        reminders = ReminderService(database: database, sender: sender, settings: configuration.reminders)
    }

    /// A worker delivering through the configured transports.
    public func worker(configuration: EngageConfiguration, database: Database, logger: Logger) -> OutboxWorker {
        OutboxWorker(
            database: database, transports: configuration.messageTransports(logger: logger), settings: configuration.outbox,
            seal: seal, reminders: reminders, certificates: certificates, logger: logger)
    }
}
