import Foundation

/// The email every active admin gets when an endpoint is disabled, queued in the transaction that
/// disables it: which endpoint, why, and where to enable it again and replay what it missed.
struct EndpointDisabledNotice {
    let endpointID: Int64
    let url: String
    let reason: String
    let portalURL: URL

    func queue(in tx: Transaction, at time: Date) async throws {
        let page = portalURL.appendingPathComponent("webhooks/\(endpointID)").absoluteString
        let text = """
            Webhook endpoint \(url) has been disabled: \(reason)

            Nothing is sent to it until it is enabled again. Its page shows each failed delivery as it was \
            sent and answered, and offers to replay what it missed once it works:
            \(page)
            """
        try await StaffNotice(subject: "Webhook endpoint disabled: \(url)", text: text, messageIDDomain: portalURL.host ?? "localhost")
            .queueToAdmins(in: tx, at: time)
    }
}
