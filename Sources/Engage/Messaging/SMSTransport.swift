import CCurl
import Foundation
import Logging

/// SMS through a Twilio-compatible HTTP API: `POST {url}/2010-04-01/Accounts/{account}/Messages.json`
/// with a form body (`To`, `From`, `Body`) and HTTP basic authentication.
public struct TwilioSMSTransport: MessageTransport {
    /// The provider and the account to use.
    public struct Settings: Sendable {
        public var url: URL
        public var account: String
        public var token: String
        public var from: String
        public var timeout: Duration

        public init(url: URL, account: String, token: String, from: String, timeout: Duration = .seconds(30)) {
            self.url = url
            self.account = account
            self.token = token
            self.from = from
            self.timeout = timeout
        }
    }

    let settings: Settings

    public init(settings: Settings) {
        self.settings = settings
    }

    public func openSession() -> any DeliverySession { TwilioSession(settings: settings) }

    /// What a provider's answer means for the message: 2xx sent (with its `sid`); 429 and 5xx
    /// worth retrying; any other 4xx (an invalid or blocked number) final.
    static func result(status: Int, body: Data) -> DeliveryResult {
        let json = (try? JSONDecoder().decode(JSONValue.self, from: body)).flatMap { value -> [String: JSONValue]? in
            if case .object(let object) = value { object } else { nil }
        }
        func text(_ key: String) -> String? {
            switch json?[key] {
            case .string(let text)?: text
            case .number(let number)?: "\(number)"
            default: nil
            }
        }
        if (200..<300).contains(status) { return .sent(providerID: text("sid")) }
        let reason = "HTTP \(status)" + (text("code").map { " code \($0)" } ?? "") + (text("message").map { ": \($0)" } ?? "")
        return status == 429 || status >= 500 || status == 0 ? .temporaryFailure(reason) : .permanentFailure(reason)
    }
}

final class TwilioSession: DeliverySession, @unchecked Sendable {
    private let settings: TwilioSMSTransport.Settings
    private var curl: CurlHandle?

    init(settings: TwilioSMSTransport.Settings) {
        self.settings = settings
    }

    func deliver(_ message: OutboxMessage) -> DeliveryResult {
        let curl = self.curl ?? connect()
        let form = [("To", message.recipient), ("From", settings.from), ("Body", message.textBody)]
            .map { "\($0)=\(Self.formEncoded($1))" }.joined(separator: "&")
        curl.set(CURLOPT_COPYPOSTFIELDS, form)
        let result = curl.perform()
        guard result.succeeded else {
            self.curl = nil
            return .temporaryFailure(result.message)
        }
        self.curl = curl
        return TwilioSMSTransport.result(status: result.responseCode, body: result.body)
    }

    private func connect() -> CurlHandle {
        var base = settings.url.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        let account = Self.formEncoded(settings.account)
        let curl = CurlHandle(url: "\(base)/2010-04-01/Accounts/\(account)/Messages.json", timeout: settings.timeout)
        curl.set(CURLOPT_USERNAME, settings.account)
        curl.set(CURLOPT_PASSWORD, settings.token)
        return curl
    }

    /// `application/x-www-form-urlencoded`: everything but unreserved characters percent-encoded.
    static func formEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

/// SMS written to a log file (and the log), for a machine without a provider (`make run`).
public struct LogSMSTransport: MessageTransport {
    let path: String
    let logger: Logger

    public init(path: String, logger: Logger) {
        self.path = path
        self.logger = logger
    }

    public func openSession() -> any DeliverySession { LogSMSSession(transport: self) }
}

final class LogSMSSession: DeliverySession, @unchecked Sendable {
    private let transport: LogSMSTransport

    init(transport: LogSMSTransport) {
        self.transport = transport
    }

    func deliver(_ message: OutboxMessage) -> DeliveryResult {
        let line = "\(ISOTimestamp.string(Date())) to=\(message.recipient) id=\(message.messageID) \(message.textBody.replacingOccurrences(of: "\n", with: " "))\n"
        do {
            let directory = (transport.path as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            if !FileManager.default.fileExists(atPath: transport.path) {
                _ = FileManager.default.createFile(atPath: transport.path, contents: nil)
            }
            let file = try FileHandle(forWritingTo: URL(fileURLWithPath: transport.path))
            defer { try? file.close() }
            try file.seekToEnd()
            try file.write(contentsOf: Data(line.utf8))
            transport.logger.info("sms written to log", metadata: ["to": "\(message.recipient)", "message_id": "\(message.messageID)"])
            return .sent(providerID: nil)
        } catch {
            return .temporaryFailure("cannot write \(transport.path): \(error.localizedDescription)")
        }
    }
}
