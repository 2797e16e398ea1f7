import Hummingbird

extension Request {
    /// The outcome named by `?done=` after a redirect, as one of `notices`' fixed texts, so
    /// nothing typed into the URL reaches the page.
    func notice(from notices: [String: String]) -> String? {
        uri.queryParameters["done"].flatMap { notices[String($0)] }.map { PortalLocale.current.text($0) }
    }
}
