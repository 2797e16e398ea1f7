import Foundation

/// The tools Oui Engage syncs with and takes callbacks from.
public enum Partner: String, Sendable, CaseIterable, Codable {
    case pennylane, projectflow

    /// How the portal names it.
    public var displayName: String {
        switch self {
        case .pennylane: "Pennylane"
        case .projectflow: "ProjectFlow"
        }
    }

    /// The API a partner is reached at unless settings say otherwise; ProjectFlow is self-hosted,
    /// so its address is always set by an admin.
    public var defaultBaseURL: String? {
        switch self {
        case .pennylane: "https://app.pennylane.com/api/external/v2"
        case .projectflow: nil
        }
    }

    /// Reads this partner's API.
    func feed(baseURL: String) -> any PartnerFeed {
        switch self {
        case .pennylane: PennylaneFeed(baseURL: baseURL)
        case .projectflow: ProjectFlowFeed(baseURL: baseURL)
        }
    }

    var externalSource: ExternalSource {
        switch self {
        case .pennylane: .pennylane
        case .projectflow: .projectflow
        }
    }
}
