import Foundation

/// The message templates: the defaults shipped under `Templates/mail` and `Templates/sms`, and
/// the versions staff save in the portal, which replace them until reset.
public struct MessageTemplateService: Sendable {
    private let database: Database
    private let defaults: [Key: MessageTemplate]
    public let renderer: MessageRenderer

    /// Identifies a template.
    public struct Key: Hashable, Sendable {
        public let channel: MessageChannel
        public let purpose: MessagePurpose
        public let language: Language

        public init(channel: MessageChannel, purpose: MessagePurpose, language: Language) {
            self.channel = channel
            self.purpose = purpose
            self.language = language
        }
    }

    static let fields: Set<String> = ["subject", "body"]
    /// An SMS longer than this is refused by providers (ten segments).
    static let maximumSMSLength = 1_600

    /// Loads every default template from `templatesDirectory`; a missing file stops start-up.
    public init(database: Database, templatesDirectory: String, renderer: MessageRenderer) throws {
        self.database = database
        self.renderer = renderer
        var defaults: [Key: MessageTemplate] = [:]
        for channel in MessageChannel.allCases {
            for purpose in MessagePurpose.templated {
                for language in Language.allCases {
                    let path = "\(templatesDirectory)/\(Self.defaultPath(channel, purpose, language))"
                    let text = try String(contentsOfFile: path, encoding: .utf8)
                    defaults[Key(channel: channel, purpose: purpose, language: language)] =
                        MessageTemplate.parse(file: text, channel: channel, purpose: purpose, language: language)
                }
            }
        }
        self.defaults = defaults
    }

    /// Where the default of a template lives under `Templates/`.
    public static func defaultPath(_ channel: MessageChannel, _ purpose: MessagePurpose, _ language: Language) -> String {
        channel == .email ? "mail/\(purpose.rawValue).\(language.rawValue).md" : "sms/\(purpose.rawValue).\(language.rawValue).txt"
    }

    /// Every template as it is used now, in channel, purpose and language order.
    public func all() async throws -> [MessageTemplate] {
        let edited = try await database.read { try await $0.templates.all() }
        let byKey = Dictionary(edited.map { (Key(channel: $0.channel, purpose: $0.purpose, language: $0.language), $0) }) { first, _ in first }
        return MessageChannel.allCases.flatMap { channel in
            MessagePurpose.templated.flatMap { purpose in
                Language.allCases.map { language in
                    let key = Key(channel: channel, purpose: purpose, language: language)
                    return byKey[key] ?? defaults[key]!
                }
            }
        }
    }

    /// The template used now for `key`.
    public func template(_ key: Key) async throws -> MessageTemplate {
        try await database.read { try await template(key, in: $0) }
    }

    func template(_ key: Key, in tx: Transaction) async throws -> MessageTemplate {
        try await tx.templates.find(channel: key.channel, purpose: key.purpose, language: key.language)
            ?? defaults[key]!
    }

    /// The shipped default of `key`.
    public func defaultTemplate(_ key: Key) -> MessageTemplate { defaults[key]! }

    /// Checks a subject and body as staff typed them, listing every problem.
    public func validated(_ key: Key, _ input: Input) throws -> MessageTemplate {
        var reader = InputReader(input, allowed: Self.fields)
        let subject = reader.text("subject", label: "Subject", required: key.channel == .email, max: 200)
        let body = reader.text("body", label: "Body", required: true, max: key.channel == .email ? 20_000 : Self.maximumSMSLength)
        for (field, text) in [("subject", subject.value), ("body", body.value)] {
            let unknown = Placeholders.unknown(in: text ?? "")
            if !unknown.isEmpty {
                reader.report(
                    field, .invalidValue,
                    "Unknown placeholder \(unknown.map { "{{\($0)}}" }.joined(separator: ", ")); use \(Placeholders.names.map { "{{\($0)}}" }.joined(separator: ", ")).")
            }
        }
        try reader.finish()
        return MessageTemplate(
            channel: key.channel, purpose: key.purpose, language: key.language,
            subject: key.channel == .email ? subject.value : nil, body: body.value ?? "", updatedAt: Date())
    }

    /// Saves staff's version of a template.
    public func save(_ key: Key, _ input: Input, by actor: Actor) async throws -> MessageTemplate {
        try actor.requireWrite()
        let template = try validated(key, input)
        try await database.statements { try await $0.templates.save(template, by: actor.userID) }
        return template
    }

    /// Goes back to the shipped default.
    public func reset(_ key: Key, by actor: Actor) async throws {
        try actor.requireWrite()
        try await database.statements {
            try await $0.templates.delete(channel: key.channel, purpose: key.purpose, language: key.language)
        }
    }

    /// `template` rendered with example values, as a recipient would see it.
    public func preview(_ template: MessageTemplate, senderName: String, links: PublicLinks) -> RenderedMessage {
        let values = MessageValues(
            recipientName: "Jeanne Martin", documentTitle: template.language == .fr ? "Devis rénovation cuisine" : "Kitchen renovation quote",
            amount: MessageValues.amount(4_250.5, currency: "EUR", language: template.language),
            dueDate: MessageValues.date(CalendarDate(Date().addingTimeInterval(14 * 86_400)), language: template.language),
            link: links.page("example-link"), senderName: senderName,
            message: template.language == .fr ? "Merci pour votre confiance." : "Thank you for your trust.")
        return renderer.render(template, values, pixelURL: nil)
    }
}
