import CCurl
import Foundation
import NIOPosix

/// Calls partners' JSON APIs with libcurl on a few threads of its own (a transfer blocks its
/// thread, never the event loops). Partners' addresses are set by admins, so loopback and private
/// networks are allowed (a self-hosted ProjectFlow, the stand-ins in tests).
public final class PartnerHTTP: Sendable {
    private let threads: NIOThreadPool
    private let timeout: Duration

    public init(timeout: Duration = .seconds(30), threads count: Int = 4) {
        self.timeout = timeout
        threads = NIOThreadPool(numberOfThreads: count)
        threads.start()
    }

    deinit {
        threads.shutdownGracefully { _ in }
    }

    /// What came back, or why nothing did.
    enum Answer: Sendable {
        case response(status: Int, body: Data, retryAfter: Duration?)
        /// No connection or no answer in time (DNS, refused, reset, timeout).
        case unreachable(String)
        /// The TLS handshake or the certificate check failed.
        case tls(String)
    }

    /// Sends one request with the partner's bearer token; `body` is sent as JSON with `method`.
    func send(_ method: String, url: String, token: String, body: Data? = nil, timeout: Duration? = nil) async -> Answer {
        let curl = SendableCurl(timeout: timeout ?? self.timeout)
        let headers = ["Authorization: Bearer \(token)", "Accept: application/json", "User-Agent: OuiEngage-Sync/1"]
            + (body == nil ? [] : ["Content-Type: application/json", "Expect:"])
        let result = try? await threads.runIfActive {
            curl.handle.set(CURLOPT_URL, url)
            if let body {
                curl.handle.set(CURLOPT_CUSTOMREQUEST, method)
                curl.handle.set(CURLOPT_COPYPOSTFIELDS, String(decoding: body, as: UTF8.self))
            }
            return curl.handle.perform(headers: headers, keepHeaders: true, bodyLimit: 32 << 20)
        }
        guard let result else { return .unreachable("The server is shutting down.") }
        guard result.succeeded else {
            return Self.isTLS(result.code) ? .tls(result.message) : .unreachable(result.message)
        }
        return .response(status: result.responseCode, body: result.body, retryAfter: RetryAfter.parse(headers: result.headers))
    }

    private static func isTLS(_ code: CURLcode) -> Bool {
        [CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
         CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS]
            .contains(code)
    }
}
