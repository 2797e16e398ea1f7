import Foundation

/// Why a one-time code was not sent or not accepted.
public enum VerificationError: Error, Sendable, Equatable {
    /// The link asks for a code before accepting, signing or declining, and this browser has not
    /// typed one in the last 30 minutes (403 `VERIFICATION_REQUIRED`).
    case required(channel: VerificationChannel, destination: String)
    /// Wrong code, or none valid to compare with (400 `VERIFICATION_INVALID`).
    case invalid(Reason, attemptsLeft: Int)
    /// Too many wrong codes, or codes asked for too often: wait `retryAfter` seconds (429 `VERIFICATION_LOCKED`).
    case locked(retryAfter: Int)
    /// The link asks for no code (404).
    case notRequired

    public enum Reason: Sendable, Equatable {
        case wrongCode, expired, noCode, used
    }

    /// The refusal of a decision on `link` made without a current pass.
    static func required(for link: RecipientLink) -> VerificationError {
        let channel = link.verify ?? .email
        return .required(channel: channel, destination: channel.masked(link.verificationAddress ?? ""))
    }
}

/// Proves that whoever holds a link also holds its recipient's email or phone: a 6-digit code
/// sent through the outbox, typed back on the page (or to the API), before the first accept,
/// sign or decline. Codes are stored as keyed hashes, live 10 minutes and allow 5 attempts; a new
/// one may be asked for after 60 seconds, 5 an hour. A right code gives the browser a pass for 30
/// minutes, signed with the server's key and naming the link and the check; each code sent and
/// each check passed is an event in the document's chain, and the decision's evidence names it.
public struct VerificationService: Sendable {
    let database: Database
    let sender: SendService

    public static let codeLifetime: TimeInterval = 600
    public static let maximumAttempts = 5
    public static let resendAfter: TimeInterval = 60
    public static let maximumPerHour = 5
    public static let passLifetime: TimeInterval = 1800
    static let decisions: [RecipientAction] = [.accept, .sign, .decline]

    public init(database: Database, sender: SendService) {
        self.database = database
        self.sender = sender
    }

    /// A code on its way.
    public struct SentCode: Sendable {
        public let verificationID: Int64
        public let channel: VerificationChannel
        public let destination: String
        public let expiresAt: Date
        /// When another code may be asked for.
        public let resendAt: Date
    }

    /// A check passed: the pass the browser keeps (cookie or header) and until when it holds.
    public struct Passed: Sendable {
        public let verification: LinkVerification
        public let pass: String
        public let expiresAt: Date
    }

    /// Where a link's check stands for this browser, for its page.
    public struct Status: Sendable, Hashable {
        public let channel: VerificationChannel
        public let destination: String
        /// True when the browser's pass holds: the page offers the decisions.
        public let verified: Bool
        /// True while the last code sent can still be typed.
        public let codePending: Bool
        /// Seconds until another code may be asked for (0: now).
        public let resendIn: Int
    }

    /// The check of `link` as a browser holding `pass` finds it; nil when the link asks for none.
    public func status(of link: RecipientLink, pass: String?, now: Date = Date()) async throws -> Status? {
        guard let channel = link.verify, let address = link.verificationAddress else { return nil }
        let recent = try await database.read { try await $0.verifications.sent(linkID: link.id, since: now - 3600) }
        let verified = try await passed(link, pass: pass, now: now) != nil
        let pending = recent.first.map { $0.verifiedAt == nil && $0.expiresAt > now && $0.attempts < Self.maximumAttempts } ?? false
        return Status(
            channel: channel, destination: channel.masked(address), verified: verified, codePending: pending,
            resendIn: Self.wait(before: now, recent) ?? 0)
    }

    /// Sends a new code to the link's email or phone, in `language`; refused while the last was
    /// sent less than a minute ago or five went out in the hour.
    public func send(_ secret: String, language: Language, from client: ClientInfo) async throws -> SentCode {
        let link = try await database.read { try await RecipientService.authorize(secret, .view, from: client, in: $0) }
        guard let channel = link.verify, let address = link.verificationAddress else { throw VerificationError.notRequired }
        let code = Self.newCode()
        let destination = channel.masked(address)
        return try await database.write { tx in
            let now = Date()
            guard let locked = try await tx.documents.lockLive(id: link.documentID) else { throw RecipientError.linkInvalid }
            // Under the document's lock: two requests at once cannot both pass the limits.
            let recent = try await tx.verifications.sent(linkID: link.id, since: now - 3600)
            if let wait = Self.wait(before: now, recent) { throw VerificationError.locked(retryAfter: wait) }
            var changes = DocumentChanges(locked)
            try Self.requireDecidable(link, changes.document)
            // A party's code is addressed to it by name.
            var name: String?
            if let partyID = link.partyID { name = try await tx.parties.all(documentID: link.documentID).first { $0.id == partyID }?.name }
            let messageID = try await sender.queueCode(
                code, to: address, name: name, over: channel.messageChannel, for: changes.document, linkID: link.id, language: language, in: tx)
            let expiresAt = now + Self.codeLifetime
            let id = try await tx.verifications.insert(
                linkID: link.id, channel: channel, destination: destination, codeHash: hash(code, link: link),
                messageID: messageID, sentAt: now, expiresAt: expiresAt)
            try changes.apply(.verificationSent, linkID: link.id, client: client, details: [
                "channel": .string(channel.rawValue), "destination": .string(destination),
                "verification_id": .number(Decimal(id)), "outbox_message_id": .number(Decimal(messageID)),
            ])
            try await changes.write(in: tx)
            return SentCode(verificationID: id, channel: channel, destination: destination, expiresAt: expiresAt, resendAt: now + Self.resendAfter)
        }
    }

    /// Checks a typed `code` against the last one sent; a right one is recorded (`identity_verified`) and gives a pass.
    public func verify(_ secret: String, _ input: Input, from client: ClientInfo) async throws -> Passed {
        var reader = InputReader(input, allowed: ["code"])
        let typed = reader.text("code", label: "Code", required: true, max: 20).value?.filter { !$0.isWhitespace }
        if let typed, typed.count != 6 || !typed.allSatisfy({ $0.isASCII && $0.isNumber }) {
            reader.report("code", .invalidFormat, "The code is the 6 digits we sent.")
        }
        try reader.finish()
        let code = typed ?? ""
        let link = try await database.read { try await RecipientService.authorize(secret, .view, from: client, in: $0) }
        guard let channel = link.verify else { throw VerificationError.notRequired }
        let now = Date()
        let recent = try await database.read { try await $0.verifications.sent(linkID: link.id, since: now - 3600) }
        guard let last = recent.first else { throw VerificationError.invalid(.noCode, attemptsLeft: 0) }
        let lockedOut = VerificationError.locked(retryAfter: max(Self.wait(before: now, recent) ?? 0, 1))
        if last.verifiedAt != nil { throw VerificationError.invalid(.used, attemptsLeft: 0) }
        if last.attempts >= Self.maximumAttempts { throw lockedOut }
        if last.expiresAt <= now { throw VerificationError.invalid(.expired, attemptsLeft: 0) }
        // The attempt is counted before the comparison, so that guesses sent at once cannot exceed the limit.
        guard try await database.statements({ try await $0.verifications.countAttempt(id: last.id, limit: Self.maximumAttempts) }) else {
            throw lockedOut
        }
        guard Self.same(hash(code, link: link), last.codeHash) else {
            let left = Self.maximumAttempts - last.attempts - 1
            throw left > 0 ? VerificationError.invalid(.wrongCode, attemptsLeft: left) : lockedOut
        }
        let verification = try await database.write { tx in
            guard let locked = try await tx.documents.lockLive(id: link.documentID) else { throw RecipientError.linkInvalid }
            guard try await tx.verifications.markVerified(id: last.id, at: now, client: client),
                  let verified = try await tx.verifications.find(id: last.id, linkID: link.id)
            else { throw VerificationError.invalid(.used, attemptsLeft: 0) }
            var changes = DocumentChanges(locked)
            try changes.apply(.identityVerified, linkID: link.id, client: client, details: [
                "channel": .string(channel.rawValue), "destination": .string(last.destination), "verification_id": .number(Decimal(last.id)),
            ])
            try await changes.write(in: tx)
            return verified
        }
        let expiresAt = now + Self.passLifetime
        return Passed(verification: verification, pass: pass(link: link, verificationID: last.id, until: expiresAt), expiresAt: expiresAt)
    }

    /// The check a decision on `link` rests on: the one `pass` names, passed in the last 30 minutes.
    func requirePassed(_ link: RecipientLink, pass: String?) async throws -> LinkVerification {
        if let verification = try await passed(link, pass: pass, now: Date()) { return verification }
        throw VerificationError.required(for: link)
    }

    /// The verified check `pass` names for `link`, if the pass is genuine, this link's and current.
    private func passed(_ link: RecipientLink, pass: String?, now: Date) async throws -> LinkVerification? {
        let parts = pass?.split(separator: ".", omittingEmptySubsequences: false) ?? []
        guard parts.count == 3, let id = Int64(parts[0]), let until = TimeInterval(parts[1]),
              until > now.timeIntervalSince1970, until <= now.timeIntervalSince1970 + Self.passLifetime,
              self.pass(link: link, verificationID: id, until: Date(timeIntervalSince1970: until)) == pass
        else { return nil }
        let verification = try await database.read { try await $0.verifications.find(id: id, linkID: link.id) }
        return verification?.verifiedAt == nil ? nil : verification
    }

    /// `id.until.mac`: the mac binds the link, the check and the end, so a pass opens nothing else.
    private func pass(link: RecipientLink, verificationID: Int64, until: Date) -> String {
        let seconds = Int64(until.timeIntervalSince1970)
        let mac = sender.seal.authenticationCode(for: "pass:\(link.id):\(verificationID):\(seconds)").base64URLEncoded()
        return "\(verificationID).\(seconds).\(mac)"
    }

    private func hash(_ code: String, link: RecipientLink) -> Data {
        sender.seal.authenticationCode(for: "code:\(link.id):\(code)")
    }

    /// A code is asked for to decide: refused where the link can no longer accept, sign or decline.
    private static func requireDecidable(_ link: RecipientLink, _ document: Document) throws {
        let allowed = decisions.filter(link.allows)
        guard !allowed.isEmpty else { throw RecipientError.actionNotAllowed(.sign) }
        let refusals = allowed.compactMap { DocumentLifecycle.refusal(of: $0, on: document) }
        if refusals.count == allowed.count { throw refusals[0] }
    }

    /// Seconds to wait before another code may be sent, given the codes of the last hour (newest first); nil for none.
    static func wait(before now: Date, _ recent: [LinkVerification]) -> Int? {
        var until = recent.first.map { $0.sentAt + resendAfter } ?? now
        if recent.count >= maximumPerHour { until = max(until, recent[maximumPerHour - 1].sentAt + 3600) }
        return until > now ? Int(until.timeIntervalSince(now).rounded(.up)) : nil
    }

    /// Six digits, uniformly drawn.
    private static func newCode() -> String {
        var generator = SystemRandomNumberGenerator()
        let number = Int.random(in: 0..<1_000_000, using: &generator)
        return String(repeating: "0", count: 6 - String(number).count) + String(number)
    }

    /// Equal digests, compared in constant time.
    private static func same(_ a: Data, _ b: Data) -> Bool {
        a.count == b.count && zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
