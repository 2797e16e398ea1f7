import Crypto
import Foundation

/// How Oui Engage reaches one partner, as admins see it: secrets never leave the server, only
/// whether they are set and the token's last four characters.
public struct IntegrationSettings: Sendable, Equatable {
    public let partner: Partner
    /// The last four characters of the API token; nil when no token is set.
    public let tokenLast4: String?
    public let baseURL: String?
    public let hasWebhookSecret: Bool
    /// Minutes between automatic syncs; nil when off.
    public let scheduleMinutes: Int?
    public let updatedAt: Date?

    /// True when a sync can run: a token and an address.
    public var isConfigured: Bool { tokenLast4 != nil && baseURL != nil }

    /// The settings of a partner nobody configured yet.
    static func unset(_ partner: Partner) -> IntegrationSettings {
        IntegrationSettings(
            partner: partner, tokenLast4: nil, baseURL: partner.defaultBaseURL, hasWebhookSecret: false, scheduleMinutes: nil,
            updatedAt: nil)
    }
}

extension IntegrationSettings: JSONWritable {
    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.key("api_token_last4"); w.value(tokenLast4)
        w.key("base_url"); w.value(baseURL)
        w.key("configured"); w.value(isConfigured)
        w.key("schedule_minutes"); w.value(scheduleMinutes.map(Int64.init))
        w.key("source"); w.value(partner.rawValue)
        w.key("updated_at"); w.value(updatedAt)
        w.key("webhook_secret_set"); w.value(hasWebhookSecret)
        w.endObject()
    }
}

/// What a partner's settings hold for a worker: the token and the address, unsealed.
struct PartnerAccess: Sendable {
    let partner: Partner
    let token: String
    let baseURL: String

    /// Names the shared rate limit of this token without holding the token itself.
    var rateBucket: String {
        "\(partner.rawValue):\(Data(SHA256.hash(data: Data(token.utf8)).prefix(8)).hexString)"
    }
}
