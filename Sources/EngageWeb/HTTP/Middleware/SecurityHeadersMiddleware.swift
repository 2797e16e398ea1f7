import Engage
import HTTPTypes
import Hummingbird

/// Security headers on every response, errors and static files included.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = EngageRequestContext

    /// No page of the product needs a device or a powerful feature.
    private static let permissionsPolicy =
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        // A message preview brings its own, stricter policy (see `Response.messagePreview`); every other page gets this one.
        if response.headers[.contentSecurityPolicy] == nil {
            response.headers[.contentSecurityPolicy] =
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
                + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
            response.headers[.xFrameOptions] = "DENY"
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.permissionsPolicy] = Self.permissionsPolicy
        response.headers[.crossOriginOpenerPolicy] = "same-origin"
        // Pages and API answers may hold secrets (a new key, a link, a password) or customers' data:
        // nothing but the static files may be kept by a browser or a shared cache.
        if response.headers[.cacheControl] == nil, !request.isStaticFile {
            response.headers[.cacheControl] = request.uri.path.hasPrefix("/api/") ? "no-store" : "private, no-store"
        }
        if request.isRecipientPath {
            // The link's token is in the path: it must not leak to other sites, nor be indexed.
            response.headers[.referrerPolicy] = "no-referrer"
            response.headers[.xRobotsTag] = "noindex, nofollow"
        } else {
            response.headers[.referrerPolicy] = "same-origin"
        }
        if context.isSecure {
            response.headers[.strictTransportSecurity] = "max-age=31536000; includeSubDomains"
        }
        return response
    }
}

extension HTTPField.Name {
    static let xFrameOptions = Self("X-Frame-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
    static let xRobotsTag = Self("X-Robots-Tag")!
    static let permissionsPolicy = Self("Permissions-Policy")!
    static let crossOriginOpenerPolicy = Self("Cross-Origin-Opener-Policy")!
}

extension Request {
    /// Recipients' link pages, tracking pixels and tracked links.
    var isRecipientPath: Bool {
        uri.path.hasPrefix("/p/") || uri.path.hasPrefix("/t/") || uri.path.hasPrefix("/r/")
    }

    /// A partner's signed callback (`/webhooks/pennylane`, `/webhooks/projectflow`).
    var isCallbackPath: Bool {
        Partner.allCases.contains { uri.path == "/webhooks/\($0.rawValue)" }
    }

    /// The files `Public/` serves as they are (styles, scripts, images).
    var isStaticFile: Bool {
        ["/css/", "/js/", "/images/"].contains { uri.path.hasPrefix($0) }
    }

    /// Requests that never belong to a portal session: the API and the recipients' paths.
    var isOutsidePortal: Bool {
        uri.path.hasPrefix("/api/") || isRecipientPath
    }
}
