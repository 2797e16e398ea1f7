import Engage
import Hummingbird

extension PublicLinks {
    /// The creation response: the only time the whole token and its URL are shown.
    func created(_ token: RecipientLink, secret: String) -> CreatedToken {
        CreatedToken(token: token, secret: secret, url: page(secret), pixelURL: token.pixelID.map(pixel))
    }

    struct CreatedToken: JSONWritable {
        let token: RecipientLink
        let secret: String
        let url: String
        let pixelURL: String?

        func writeJSON(_ w: inout JSONWriter) {
            token.writeJSON(&w, token: secret, url: url, pixelURL: pixelURL)
        }
    }
}

extension Request {
    /// Where the request came from, as events record it.
    func client(_ context: EngageRequestContext) -> ClientInfo {
        ClientInfo(ipAddress: context.clientAddress, userAgent: headers[.userAgent])
    }
}
