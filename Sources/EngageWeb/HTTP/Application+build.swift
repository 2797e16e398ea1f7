import Engage
import Hummingbird
import Logging

/// Builds the router with every middleware and route; tests add routes to it before serving.
public func buildRouter(
    configuration: EngageConfiguration, database: Database, messaging: MessageServices? = nil, integrations: IntegrationServices? = nil
) async throws -> Router<EngageRequestContext> {
    let messaging = try messaging ?? MessageServices(configuration: configuration, database: database)
    let integrations = integrations ?? IntegrationServices(configuration: configuration, database: database, seal: messaging.seal)
    let views = try await ViewRenderer(directory: configuration.templatesDirectory)
    let locales = PortalLocales(catalogue: messaging.catalogue, defaultTimeZone: configuration.days.zone)
    let router = Router(context: EngageRequestContext.self)
    // Outermost first: the client is known before anything uses it; the id is set before anything
    // logs; headers also decorate error pages.
    router.add(middleware: ClientAddressMiddleware(
        trustedProxies: configuration.trustedProxies, httpsByConfiguration: configuration.baseURL.scheme == "https"))
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: AccessLogMiddleware())
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: CausalReadsMiddleware())
    let routeMethods = RouteMethods()
    router.add(middleware: ErrorMiddleware(views: views, routes: routeMethods, locales: locales))
    if configuration.publicRateLimit > 0 { router.add(middleware: PublicRateLimitMiddleware(limit: configuration.publicRateLimit)) }
    let sessions = SessionService(database: database)
    router.add(middleware: SessionMiddleware(sessions: sessions))
    router.add(middleware: PortalLocaleMiddleware(locales: locales))
    let loginForm = LoginFormToken(secret: try configuration.requiredJWTSecret())
    let pdfs = PDFStore(directory: configuration.storageDirectory, maximumBytes: configuration.pdfMaximumBytes)
    // Multipart posts (PDF uploads) may be as large as a PDF plus the form around it.
    router.add(middleware: CSRFMiddleware(
        allowedOrigin: configuration.origin, maximumUploadBytes: configuration.pdfMaximumBytes + 65_536,
        uploadDirectory: pdfs.incomingDirectory, loginForm: loginForm,
        routes: routeMethods))
    router.add(middleware: FileMiddleware(configuration.publicDirectory, cacheControl: .init([
        (MediaType(from: "text/css")!, [.maxAge(3600)]),
        (MediaType(from: "image/svg+xml")!, [.maxAge(86400)]),
    ])))

    let users = UserService(database: database)
    let signIn = SignInService(database: database, users: users)
    let tokens = await APITokenService(database: database, signIn: signIn, secret: try configuration.requiredJWTSecret())
    let gate = APIGate(database: database, tokens: tokens, limit: configuration.apiRateLimit)
    let apiKeys = APIKeyService(database: database, seal: messaging.seal)
    let api = router.group("/api/v1").add(middleware: APIAuthMiddleware(gate: gate, apiKeys: apiKeys))
        .add(middleware: IdempotencyMiddleware(store: IdempotencyStore(database: database)))
    let portal = router.group().add(middleware: RequireSignInMiddleware())
    let admin = router.group().add(middleware: RequireSignInMiddleware()).add(middleware: RequireRoleMiddleware(allowed: [.admin]))

    HealthController(database: database).register(on: router)
    LoginController(views: views, signIn: signIn, sessions: sessions, loginForm: loginForm).register(on: router)
    AccountController(views: views, users: users, signIn: signIn, defaultTimeZone: configuration.days.zone).register(on: portal)
    UsersController(views: views, users: users).register(on: admin)
    APIKeysController(views: views, apiKeys: apiKeys).register(on: admin)
    AuthAPIController(tokens: tokens).register(on: router, protected: api)
    try OpenAPIController(publicDirectory: configuration.publicDirectory).register(on: router)
    let apiURL = configuration.baseURL.absoluteString + "/api/v1"
    let documents = DocumentService(database: database, pdfs: pdfs)
    let contacts = ContactService(database: database)
    let organizations = OrganizationService(database: database)
    let events = DocumentEventService(database: database)
    let recipientLinks = messaging.links
    DocumentsAPIController(documents: documents, events: events, collectionURL: apiURL + "/document-engagements").register(on: api)
    let linkService = RecipientLinkService(database: database)
    RecipientLinksAPIController(linkService: linkService, links: recipientLinks).register(on: api)
    DocumentEventsAPIController(events: events, apiURL: apiURL).register(on: api)
    let partyService = PartyService(database: database)
    let partyFlow = PartyFlowService(database: database, sender: messaging.sender)
    PartiesAPIController(parties: partyService, flow: partyFlow).register(on: api)
    PartiesController(views: views, parties: partyService, flow: partyFlow, events: events).register(on: portal)
    CertificatesController(views: views, certificates: messaging.certificates).register(on: router, api: api, portal: portal)
    RecipientController(
        views: views,
        recipients: RecipientService(database: database, confirmations: messaging.sender, trackingWindow: configuration.trackingWindow),
        verifications: VerificationService(database: database, sender: messaging.sender),
        pdfs: documents.pdfs, sender: configuration.companyName, locales: locales
    ).register(on: router)
    MessagingAPIController(sender: messaging.sender, outbox: messaging.outbox, links: recipientLinks, apiURL: apiURL).register(on: api)
    MessageTemplatesAPIController(templates: messaging.templates, links: recipientLinks, senderName: configuration.companyName).register(on: api)
    ContactsAPIController(contacts: contacts, collectionURL: apiURL + "/contacts").register(on: api)
    OrganizationsAPIController(organizations: organizations, collectionURL: apiURL + "/organizations").register(on: api)
    let catalogue = CatalogueService(database: database)
    CatalogueAPIController(catalogue: catalogue, apiURL: apiURL).register(on: api)
    CatalogueController(views: views, catalogue: catalogue).register(on: portal, admin: admin)
    let documentTemplates = DocumentTemplateService(database: database)
    DocumentTemplatesAPIController(templates: documentTemplates, apiURL: apiURL).register(on: api)
    DocumentTemplatesController(views: views, templates: documentTemplates, documents: documents).register(on: portal)
    let proposals = ProposalService(database: database)
    PriceEditorController(views: views, proposals: proposals, documents: documents, templates: documentTemplates).register(on: portal)
    let leads = LeadService(database: database)
    let leadSyncs = LeadSyncService(database: database)
    LeadsAPIController(syncs: leadSyncs, leads: leads, apiURL: apiURL).register(on: api)
    LeadsController(views: views, leads: leads, syncs: leadSyncs, contacts: contacts, organizations: organizations).register(on: portal)
    let webhooks = WebhookService(database: database, seal: messaging.seal, settings: configuration.webhooks)
    WebhooksAPIController(webhooks: webhooks, collectionURL: apiURL + "/webhooks").register(on: api)
    WebhooksController(views: views, webhooks: webhooks).register(on: admin)
    CallbacksController(views: views, callbacks: integrations.callbacks).register(on: router, admin: admin)
    let analytics = AnalyticsService(database: database)
    AnalyticsAPIController(analytics: analytics).register(on: api)
    DashboardController(views: views, analytics: analytics, events: events).register(on: portal)
    SyncAPIController(sync: integrations.sync, settings: integrations.settings, apiURL: apiURL).register(on: api)
    SyncController(views: views, sync: integrations.sync, settings: integrations.settings).register(on: portal, admin: admin)
    DocumentsController(
        views: views, documents: documents, events: events, contacts: contacts, organizations: organizations, proposals: proposals,
        templates: documentTemplates)
        .register(on: portal, admin: admin)
    let exports = ExportService(database: database)
    BulkDocumentsController(views: views, documents: documents, exports: exports).register(on: portal)
    ExportsController(views: views, exports: exports, apiURL: apiURL).register(on: router, api: api, portal: portal)
    DocumentLinksController(views: views, linkService: linkService, events: events, links: recipientLinks)
        .register(on: portal)
    AuditTrailController(views: views, events: events).register(on: portal)
    SendController(views: views, sender: messaging.sender, documents: documents).register(on: portal)
    OutboxController(views: views, outbox: messaging.outbox, links: recipientLinks).register(on: portal)
    TemplatesController(views: views, templates: messaging.templates, links: recipientLinks, senderName: configuration.companyName)
        .register(on: portal)
    CRMController(views: views, resource: .organizations(organizations)).register(on: portal)
    SearchController(views: views, search: SearchService(documents: documents, organizations: organizations, contacts: contacts))
        .register(on: portal, api: api)
    CRMController(views: views, resource: .contacts(contacts, organizations: organizations)).register(on: portal)
    routeMethods.load(router)
    return router
}

/// Builds the whole HTTP application for `configuration`.
public func buildApplication(
    configuration: EngageConfiguration, database: Database, messaging: MessageServices, integrations: IntegrationServices, logger: Logger
) async throws -> some ApplicationProtocol {
    let router = try await buildRouter(configuration: configuration, database: database, messaging: messaging, integrations: integrations)
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.httpHost, port: configuration.httpPort), serverName: "OuiEngage"),
        logger: logger)
}
