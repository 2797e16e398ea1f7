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

    /// `text` with a message's pixel removed and its tracked links (which hold a live token) replaced by
    /// `replacement`, for staff's previews: opening one must neither record an open nor hand out the link.
    public func redacted(_ text: String, trackingID: String, replacement: String) -> String {
        var result = text.replacingOccurrences(of: pixel(trackingID), with: "")
        let prefix = "\(base)/r/\(trackingID)/"
        while let start = result.range(of: prefix) {
            let end = result[start.upperBound...].firstIndex { !($0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_")) }
                ?? result.endIndex
            result.replaceSubrange(start.lowerBound..<end, with: replacement)
        }
        return result
    }
}
