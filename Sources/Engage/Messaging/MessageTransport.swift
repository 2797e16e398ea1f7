import CCurl
import Foundation

/// What one delivery attempt came to.
public enum DeliveryResult: Sendable, Equatable {
    /// Accepted; the provider's id when it gives one.
    case sent(providerID: String?)
    /// Worth trying again later (server down, busy, a 4xx).
    case temporaryFailure(String)
    /// Refused for good (an SMTP 5xx, an invalid number): not retried.
    case permanentFailure(String)
}

/// Delivers the messages of one channel through sessions (an SMTP connection, an HTTP client).
public protocol MessageTransport: Sendable {
    /// A new session; the worker gives each of its concurrent senders one.
    func openSession() -> any DeliverySession
}

/// A blocking connection to a provider, used by one thread at a time.
public protocol DeliverySession: AnyObject, Sendable {
    func deliver(_ message: OutboxMessage) -> DeliveryResult
}

/// Where mail comes from.
public struct MailSender: Sendable {
    public let address: String
    public let name: String

    public init(address: String, name: String) {
        self.address = address
        self.name = name
    }
}

/// Email through an SMTP server with libcurl: STARTTLS (required unless the server is on loopback
/// or the configuration says otherwise) or implicit TLS for `smtps://`, AUTH when credentials are set.
public struct SMTPTransport: MessageTransport {
    /// The server and how to talk to it.
    public struct Settings: Sendable {
        public var url: URL
        public var username: String?
        public var password: String?
        public var requireTLS: Bool
        public var timeout: Duration

        public init(url: URL, username: String? = nil, password: String? = nil, requireTLS: Bool, timeout: Duration = .seconds(30)) {
            self.url = url
            self.username = username
            self.password = password
            self.requireTLS = requireTLS
            self.timeout = timeout
        }
    }

    let settings: Settings
    let sender: MailSender
    /// The name the client gives in EHLO.
    let heloName: String

    public init(settings: Settings, sender: MailSender, heloName: String) {
        self.settings = settings
        self.sender = sender
        self.heloName = heloName
    }

    public func openSession() -> any DeliverySession { SMTPSession(transport: self) }
}

/// One SMTP connection, kept open across messages.
final class SMTPSession: DeliverySession, @unchecked Sendable {
    private let transport: SMTPTransport
    private var curl: CurlHandle?

    init(transport: SMTPTransport) {
        self.transport = transport
    }

    func deliver(_ message: OutboxMessage) -> DeliveryResult {
        let curl = self.curl ?? connect()
        let mime = MIMEMessage(message, from: transport.sender)
        let result = curl.perform(upload: mime.bytes(), recipients: ["<\(message.recipient)>"] + message.cc.map { "<\($0)>" })
        if result.succeeded {
            self.curl = curl
            return .sent(providerID: nil)
        }
        // After an error the connection's state is unknown: the next message opens a new one.
        self.curl = nil
        let reason = result.responseCode > 0 ? "SMTP \(result.responseCode): \(result.message)" : result.message
        // A 5xx about this message is final; a refused login is the configuration's fault, so the message waits for a fix.
        if result.responseCode >= 500, result.code != CURLE_LOGIN_DENIED {
            return .permanentFailure(reason)
        }
        return .temporaryFailure(reason)
    }

    private func connect() -> CurlHandle {
        let settings = transport.settings
        var url = settings.url.absoluteString
        while url.hasSuffix("/") { url.removeLast() }
        let curl = CurlHandle(url: url + "/" + transport.heloName, timeout: settings.timeout)
        curl.set(CURLOPT_MAIL_FROM, "<\(transport.sender.address)>")
        if settings.url.scheme == "smtp" {
            curl.set(CURLOPT_USE_SSL, Int((settings.requireTLS ? CURLUSESSL_ALL : CURLUSESSL_TRY).rawValue))
        }
        if let username = settings.username { curl.set(CURLOPT_USERNAME, username) }
        if let password = settings.password { curl.set(CURLOPT_PASSWORD, password) }
        return curl
    }
}

/// Email written as `.eml` files into a folder, for a machine without SMTP (`make run`).
public struct FileMailTransport: MessageTransport {
    let directory: String
    let sender: MailSender

    public init(directory: String, sender: MailSender) {
        self.directory = directory
        self.sender = sender
    }

    public func openSession() -> any DeliverySession { FileMailSession(transport: self) }
}

final class FileMailSession: DeliverySession, @unchecked Sendable {
    private let transport: FileMailTransport

    init(transport: FileMailTransport) {
        self.transport = transport
    }

    func deliver(_ message: OutboxMessage) -> DeliveryResult {
        let mime = MIMEMessage(message, from: transport.sender)
        let path = "\(transport.directory)/message-\(message.id).eml"
        do {
            try FileManager.default.createDirectory(atPath: transport.directory, withIntermediateDirectories: true)
            try mime.bytes().write(to: URL(fileURLWithPath: path), options: .atomic)
            return .sent(providerID: path)
        } catch {
            return .temporaryFailure("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
