/// The public addresses recipients reach: their document page, an email's tracking pixel, and
/// the tracked redirect a message's link goes through.
public struct PublicLinks: Sendable {
    /// `ENGAGE_BASE_URL` without a trailing slash.
    public let base: String

    public init(base: String) {
        self.base = base
    }

    public func page(_ secret: String) -> String { "\(base)/p/\(secret)" }

    public func pixel(_ id: String) -> String { "\(base)/t/\(id).gif" }

    /// Records `link_clicked` for the message `trackingID`, then redirects to the page.
    public func tracked(_ trackingID: String, secret: String) -> String { "\(base)/r/\(trackingID)/\(secret)" }
}
