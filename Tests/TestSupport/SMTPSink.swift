import Foundation

/// A real SMTP server on loopback (aiosmtpd, `.ci/lib/smtp_sink.py`) of a test's own, which keeps
/// every message it accepts; the test can stop it and start it again on the same port.
public final class SMTPSink: @unchecked Sendable {
    /// Where the server writes the messages it accepts.
    public let directory: String
    /// The port it listens on, once started.
    public private(set) var port = 0
    private let rejected: [String]
    private var pid: pid_t = 0

    /// A sink that refuses `rejected` recipients with 550; `start` it before use.
    public init(rejecting rejected: [String] = []) {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("engage-smtp-\(UUID().uuidString)").path
        self.rejected = rejected
    }

    /// The server's URL, as `ENGAGE_SMTP_URL` takes it.
    public var url: URL { URL(string: "smtp://127.0.0.1:\(port)")! }

    /// Starts the server (on its previous port after a `stop`) and waits until it listens.
    public func start() async throws {
        try? FileManager.default.removeItem(atPath: directory + "/port")
        var argv = ["/usr/bin/python3", Checkout.path(".ci/lib/smtp_sink.py"), directory]
        if port != 0 { argv += ["--port", String(port)] }
        for address in rejected { argv += ["--reject", address] }
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        guard posix_spawn(&pid, argv[0], nil, nil, &cArguments, environ) == 0 else {
            throw TestSetupError("cannot start the SMTP sink (is python3-aiosmtpd installed?)")
        }
        for _ in 0..<100 {
            if let text = try? String(contentsOfFile: directory + "/port", encoding: .utf8), let port = Int(text) {
                self.port = port
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestSetupError("the SMTP sink did not start in \(directory)")
    }

    /// Stops the server, as an outage would.
    public func stop() {
        guard pid != 0 else { return }
        // SIGKILL: a child spawned from a test thread may inherit a mask that blocks SIGTERM.
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        pid = 0
    }

    /// Stops the server and deletes what it kept.
    public func destroy() {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Every message accepted so far, in order.
    public func messages() throws -> [ReceivedMail] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".eml") }.sorted()
        return try names.map { try ReceivedMail(Data(contentsOf: URL(fileURLWithPath: directory + "/" + $0))) }
    }

    /// Waits until at least `count` messages arrived (or the time is up) and returns them.
    public func waitForMessages(_ count: Int, timeout: Duration = .seconds(10)) async throws -> [ReceivedMail] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let received = try messages()
            if received.count >= count { return received }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try messages()
    }
}

/// A message as an SMTP server received it, with its MIME parts decoded.
public struct ReceivedMail: Sendable {
    /// Header values by lower-cased name (the first of each), unfolded and with encoded words decoded.
    public let headers: [String: String]
    /// The envelope's recipients (RCPT TO), as the sink recorded them.
    public let envelopeRecipients: [String]
    /// Decoded bodies by content type (`text/plain`, `text/html`).
    public let parts: [String: String]
    /// The whole message as received.
    public let raw: String

    init(_ data: Data) throws {
        raw = String(decoding: data, as: UTF8.self)
        let (head, body) = Self.split(raw)
        let headers = Self.headers(head)
        self.headers = headers
        envelopeRecipients = (headers["x-envelope-to"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        var parts: [String: String] = [:]
        let type = headers["content-type"] ?? "text/plain"
        if let range = type.range(of: "boundary=\"") {
            let boundary = String(type[range.upperBound...].prefix { $0 != "\"" })
            for section in body.components(separatedBy: "--" + boundary).dropFirst() where !section.hasPrefix("--") {
                let (partHead, partBody) = Self.split(String(section.drop { $0 == "\r" || $0 == "\n" }))
                let partHeaders = Self.headers(partHead)
                let partType = (partHeaders["content-type"] ?? "").split(separator: ";").first.map(String.init) ?? ""
                parts[partType] = Self.decode(partBody, encoding: partHeaders["content-transfer-encoding"])
            }
        } else {
            parts[String(type.split(separator: ";").first ?? "")] = Self.decode(body, encoding: headers["content-transfer-encoding"])
        }
        self.parts = parts
    }

    public var subject: String { headers["subject"] ?? "" }
    public var messageID: String { headers["message-id"] ?? "" }
    public var text: String { parts["text/plain"] ?? "" }
    public var html: String { parts["text/html"] ?? "" }

    private static func split(_ text: String) -> (String, String) {
        guard let range = text.range(of: "\r\n\r\n") else { return (text, "") }
        return (String(text[..<range.lowerBound]), String(text[range.upperBound...]))
    }

    private static func headers(_ head: String) -> [String: String] {
        var headers: [String: String] = [:]
        var lastName: String?
        for line in head.components(separatedBy: "\r\n") {
            if line.first == " " || line.first == "\t", let name = lastName {
                headers[name, default: ""] += line.trimmingCharacters(in: .whitespaces).hasPrefix("=?") ? "" : " "
                headers[name, default: ""] += line.trimmingCharacters(in: .whitespaces)
            } else if let colon = line.firstIndex(of: ":") {
                let name = line[..<colon].lowercased()
                lastName = name
                if headers[name] == nil { headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces) }
            }
        }
        return headers.mapValues(decodeWords)
    }

    /// RFC 2047 `=?UTF-8?B?…?=` words decoded.
    private static func decodeWords(_ value: String) -> String {
        var result = ""
        var rest = Substring(value)
        while let open = rest.range(of: "=?UTF-8?B?"), let close = rest[open.upperBound...].range(of: "?=") {
            result += rest[..<open.lowerBound]
            let bytes = Data(base64Encoded: String(rest[open.upperBound..<close.lowerBound])) ?? Data()
            result += String(decoding: bytes, as: UTF8.self)
            rest = rest[close.upperBound...]
        }
        return result + rest
    }

    private static func decode(_ body: String, encoding: String?) -> String {
        guard encoding?.lowercased() == "base64" else { return body }
        let bytes = Data(base64Encoded: body.components(separatedBy: .whitespacesAndNewlines).joined()) ?? Data()
        return String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
    }
}
