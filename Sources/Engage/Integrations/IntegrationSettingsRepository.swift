import Foundation

/// SQL for `integration_settings`: one row per partner once an admin saved it.
struct IntegrationSettingsRepository {
    let connection: SQLConnection

    /// A partner's row as stored, secrets still sealed.
    struct Stored: Sendable {
        let settings: IntegrationSettings
        let sealedToken: Data?
        let sealedWebhookSecret: Data?
    }

    func find(_ partner: Partner, lock: Bool = false) async throws -> Stored? {
        try await connection.queryFirst("""
            SELECT source, api_token, token_last4, base_url, webhook_secret, schedule_minutes, updated_at
            FROM integration_settings WHERE source = ?\(lock ? " FOR UPDATE" : "")
            """, [partner.rawValue]).map(Self.stored)
    }

    func all() async throws -> [Stored] {
        try await connection.query("""
            SELECT source, api_token, token_last4, base_url, webhook_secret, schedule_minutes, updated_at FROM integration_settings
            """).map(Self.stored)
    }

    /// The partners with an automatic schedule and a token.
    func scheduled() async throws -> [(partner: Partner, minutes: Int)] {
        try await connection.query("""
            SELECT source, schedule_minutes FROM integration_settings WHERE schedule_minutes IS NOT NULL AND api_token IS NOT NULL
            """).compactMap { row in
            guard let partner = Partner(rawValue: try row.decode("source")) else { return nil }
            return (partner, Int(try row.decode("schedule_minutes", as: Int64.self)))
        }
    }

    func save(
        _ partner: Partner, sealedToken: Data?, tokenLast4: String?, baseURL: String, sealedWebhookSecret: Data?,
        scheduleMinutes: Int?, by userID: Int64?, at time: Date
    ) async throws {
        try await connection.execute("""
            INSERT INTO integration_settings (source, api_token, token_last4, base_url, webhook_secret, schedule_minutes, updated_by, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON DUPLICATE KEY UPDATE api_token = VALUES(api_token), token_last4 = VALUES(token_last4), base_url = VALUES(base_url),
                webhook_secret = VALUES(webhook_secret), schedule_minutes = VALUES(schedule_minutes),
                updated_by = VALUES(updated_by), updated_at = VALUES(updated_at)
            """, [partner.rawValue, sealedToken, tokenLast4, baseURL, sealedWebhookSecret, scheduleMinutes.map(Int64.init), userID, time]
                as [any SQLBindable])
    }

    private static func stored(_ row: SQLRow) throws -> Stored {
        let partner = Partner(rawValue: try row.decode("source")) ?? .pennylane
        let token: Data? = try row.decode("api_token")
        let secret: Data? = try row.decode("webhook_secret")
        let minutes: Int64? = try row.decode("schedule_minutes")
        return Stored(
            settings: IntegrationSettings(
                partner: partner, tokenLast4: token == nil ? nil : try row.decode("token_last4"), baseURL: try row.decode("base_url"),
                hasWebhookSecret: secret != nil, scheduleMinutes: minutes.map(Int.init), updatedAt: try row.decode("updated_at")),
            sealedToken: token, sealedWebhookSecret: secret)
    }
}
