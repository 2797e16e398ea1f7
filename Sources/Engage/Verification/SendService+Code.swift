import Foundation

extension SendService {
    /// Queues a one-time code to `address` inside the caller's transaction; returns the message's
    /// id. Like a link's secret, the code is stored sealed beside bodies that hold a placeholder,
    /// and put in only by the worker that delivers it: the outbox never shows it.
    func queueCode(
        _ code: String, to address: String, name: String?, over channel: MessageChannel, for document: Document, linkID: Int64,
        language: Language, in tx: Transaction
    ) async throws -> Int64 {
        let template = try await templates.template(.init(channel: channel, purpose: .verificationCode, language: language), in: tx)
        var values = MessageValues.of(document, recipientName: name, link: "", senderName: senderName, message: "", language: language)
        values.code = SecretSeal.placeholder
        return try await tx.outbox.insert(.init(
            documentID: document.id, linkID: linkID, channel: channel, purpose: .verificationCode, language: language,
            messageID: "\(SecretToken.randomHexID())@\(messageIDDomain)", trackingID: nil, recipient: address,
            recipientName: name ?? document.recipientName, cc: [], rendered: templates.renderer.render(template, values, pixelURL: nil),
            createdBy: nil, sealedLinkSecret: try seal.seal(code)))
    }
}
