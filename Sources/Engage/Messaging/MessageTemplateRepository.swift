import Foundation

/// SQL for `message_templates`: staff's versions of the default templates.
struct MessageTemplateRepository {
    let connection: SQLConnection

    /// Every edited template.
    func all() async throws -> [MessageTemplate] {
        try await connection.query(
            "SELECT channel, purpose, language, subject, body, updated_at FROM message_templates ORDER BY channel, purpose, language"
        ).compactMap(Self.template)
    }

    /// The edited version of one template, if staff made one.
    func find(channel: MessageChannel, purpose: MessagePurpose, language: Language) async throws -> MessageTemplate? {
        try await connection.queryFirst(
            "SELECT channel, purpose, language, subject, body, updated_at FROM message_templates WHERE channel = ? AND purpose = ? AND language = ?",
            [channel.rawValue, purpose.rawValue, language.rawValue]
        ).flatMap(Self.template)
    }

    func save(_ template: MessageTemplate, by userID: Int64?) async throws {
        try await connection.execute("""
            INSERT INTO message_templates (channel, purpose, language, subject, body, updated_by, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6))
            ON DUPLICATE KEY UPDATE subject = VALUES(subject), body = VALUES(body), updated_by = VALUES(updated_by), updated_at = VALUES(updated_at)
            """, [template.channel.rawValue, template.purpose.rawValue, template.language.rawValue, template.subject, template.body, userID])
    }

    func delete(channel: MessageChannel, purpose: MessagePurpose, language: Language) async throws {
        try await connection.execute(
            "DELETE FROM message_templates WHERE channel = ? AND purpose = ? AND language = ?",
            [channel.rawValue, purpose.rawValue, language.rawValue])
    }

    private static func template(_ row: SQLRow) throws -> MessageTemplate? {
        guard let channel = MessageChannel(rawValue: try row.decode("channel")),
              let purpose = MessagePurpose(rawValue: try row.decode("purpose")),
              let language = Language(rawValue: try row.decode("language"))
        else { return nil }
        return MessageTemplate(
            channel: channel, purpose: purpose, language: language, subject: try row.decode("subject"),
            body: try row.decode("body"), updatedAt: try row.decode("updated_at"))
    }
}
