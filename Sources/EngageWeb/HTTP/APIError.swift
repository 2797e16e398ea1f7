import Engage
import Hummingbird
import NIOCore

/// An error as the API presents it: the spec's code, an HTTP status, a message and field details.
public struct APIError: Error, Sendable, Equatable {
    /// One entry of `error.details`.
    public struct Detail: Encodable, Sendable, Equatable {
        public let field: String
        public let code: String
        public let message: String
    }

    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    public let details: [Detail]
    /// Headers the response must carry, such as `Retry-After`.
    public var headers: HTTPFields = [:]

    /// An error with the given parts.
    public init(_ status: HTTPResponse.Status, code: String, message: String, details: [Detail] = []) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
    }

    /// The route or record does not exist.
    public static func notFound(_ message: String = "Resource not found") -> APIError {
        APIError(.notFound, code: "RESOURCE_NOT_FOUND", message: message)
    }

    /// The body is not valid JSON, or a value has the wrong JSON type.
    public static func invalidJSON(_ message: String) -> APIError {
        APIError(.badRequest, code: "VALIDATION_INVALID_JSON", message: message)
    }

    /// Anything unexpected; the details go to the log, never to the client.
    public static func internalError(requestID: String) -> APIError {
        APIError(
            .internalServerError, code: "INTERNAL_ERROR",
            message: "An unexpected error occurred. Quote reference \(requestID) when reporting it.")
    }

    /// Maps any error thrown while handling a request; nil when it is unexpected (a 500).
    static func from(_ error: any Error) -> APIError? {
        switch error {
        case let error as APIError:
            return error
        case let error as ValidationError:
            return APIError(validation: error)
        case let error as AuthenticationError:
            return APIError(authentication: error)
        case is UserNotFound, is APIKeyNotFound:
            return .notFound()
        case let error as RecipientError:
            return APIError(recipient: error)
        case let error as VerificationError:
            return APIError(verification: error)
        case let error as RecordNotFound:
            return .notFound("\(error.resource) \(error.id) not found.")
        case let error as RateLimitExceeded:
            var limited = APIError(
                .tooManyRequests, code: "RATE_LIMIT_EXCEEDED",
                message: "Too many attempts. Try again in \(error.retryAfter) seconds.")
            limited.headers[.retryAfter] = String(error.retryAfter)
            if let status = error.status { limited.headers.append(contentsOf: status.headerFields) }
            return limited
        case let error as SyncAlreadyRunning:
            var conflict = APIError(
                .conflict, code: "SYNC_ALREADY_RUNNING",
                message: "A \(error.source.displayName) sync is already queued or running: job \(error.jobID).",
                details: [Detail(field: "job_id", code: ValidationError.Code.duplicate.rawValue, message: String(error.jobID))])
            conflict.headers[.contentLocation] = "/api/v1/sync/jobs/\(error.jobID)"
            return conflict
        case let error as PartnerUnavailable:
            var unavailable = APIError(
                .serviceUnavailable, code: "EXTERNAL_SERVICE_UNAVAILABLE",
                message: "\(error.partner.displayName) cannot be used now: \(error.reason)")
            unavailable.headers[.retryAfter] = "30"
            return unavailable
        case let error as PartyNotFound:
            return APIError(.notFound, code: "PARTY_NOT_FOUND", message: "No party of this document is named \(error.party) (by id, email or name).")
        case let error as PartyNotActive:
            return APIError(
                .conflict, code: "PARTY_NOT_ACTIVE",
                message: "\(error.party) is \(error.status.rawValue): only a party already notified, and not declined, can be notified again.")
        case let error as PartyUnreachable:
            return APIError(.conflict, code: "PARTY_UNREACHABLE", message: "\(error.party) has no email or phone to be notified at.")
        case let error as DocumentHasParties:
            return APIError(
                .conflict, code: "DOCUMENT_HAS_PARTIES",
                message: "Document \(error.documentID) has parties: send it to them with POST /api/v1/document-engagements/\(error.documentID)/parties/send.")
        case let error as DocumentNotComplete:
            return APIError(
                .conflict, code: "DOCUMENT_NOT_COMPLETE",
                message: "This document is \(error.status.rawValue): its certificate exists once it is signed or accepted.")
        case let error as CertificatePDFFailed:
            return APIError(.conflict, code: "CERTIFICATE_PDF_FAILED", message: "The completed PDF could not be made: \(error.reason). Is the uploaded PDF readable?")
        case let error as LeadAlreadyConverted:
            var conflict = APIError(
                .conflict, code: "LEAD_ALREADY_CONVERTED", message: "Lead \(error.leadID) was converted already: it is contact \(error.contactID).")
            conflict.headers[.contentLocation] = "/api/v1/contacts/\(error.contactID)"
            return conflict
        case let error as RecordInUse:
            return APIError(.conflict, code: "RESOURCE_IN_USE", message: error.message)
        case is PricesFrozen:
            return APIError(.conflict, code: "PRICES_FROZEN", message: "The document was accepted or signed: its prices and the choices made on them are final.")
        case is PartiesLocked:
            return APIError(.conflict, code: "PARTIES_LOCKED", message: "A party has completed: the parties can no longer change.")
        case let error as ExportExpired:
            return APIError(
                .gone, code: "EXPORT_EXPIRED",
                message: "This export's download address expired at \(ISOTimestamp.string(error.expiredAt)). Ask for the export again.")
        case let error as ExportFailed:
            return APIError(.internalServerError, code: "EXPORT_FAILED", message: "\(error.reason) Ask for the export again.")
        case let error as HTTPError:
            return APIError(http: error)
        case is NIOTooManyBytesError:
            // A body past the upload limit, met while it is being read (a form, a JSON body).
            return APIError(http: HTTPError(.contentTooLarge))
        case is DecodingError:
            return .invalidJSON("The request body is not valid JSON.")
        case let error as ServiceUnavailable:
            // The reason only: pool sizes and server messages stay in the log.
            var unavailable = APIError(.serviceUnavailable, code: "SERVICE_UNAVAILABLE", message: error.reason.message)
            unavailable.headers[.retryAfter] = "1"
            return unavailable
        default:
            return nil
        }
    }

    private init(validation error: ValidationError) {
        let onlyMissing = error.fields.allSatisfy { $0.code == .required }
        let count = error.fields.count
        self.init(
            .badRequest,
            code: onlyMissing ? ValidationError.Code.required.rawValue : "VALIDATION_FAILED",
            message: count == 1 ? error.fields[0].message : "\(count) fields are invalid.",
            details: error.fields.map { Detail(field: $0.field, code: $0.code.rawValue, message: $0.message) })
    }

    private init(authentication error: AuthenticationError) {
        switch error {
        case .invalidCredentials:
            self.init(.unauthorized, code: "AUTH_INVALID_CREDENTIALS", message: "Invalid API key or credentials.")
        case .tokenExpired:
            self.init(.unauthorized, code: "AUTH_TOKEN_EXPIRED", message: "The access token has expired; get a new one with the refresh token.")
        case .insufficientPermissions:
            self.init(.forbidden, code: "AUTH_INSUFFICIENT_PERMISSIONS", message: "Your role does not allow this action.")
        case .invalidSignature:
            self.init(
                .unauthorized, code: "AUTH_INVALID_SIGNATURE",
                message: "This key requires signed requests: X-Engage-Time within five minutes and X-Engage-Signature over the request.")
        }
    }

    private init(verification error: VerificationError) {
        switch error {
        case .required(let channel, let destination):
            self.init(
                .forbidden, code: "VERIFICATION_REQUIRED",
                message: "Confirm it is you first: ask for a code (POST /p/{token}/verify/resend) and type it (POST /p/{token}/verify).",
                details: [Detail(field: "channel", code: channel.rawValue, message: destination)])
        case .invalid(let reason, let left):
            let message = switch reason {
            case .wrongCode: "This code is not the one we sent. \(left) attempt\(left == 1 ? "" : "s") left."
            case .expired: "This code has expired: ask for a new one."
            case .noCode: "No code has been sent for this link: ask for one."
            case .used: "This code was used already: ask for a new one."
            }
            self.init(.badRequest, code: "VERIFICATION_INVALID", message: message, details: [
                Detail(field: "attempts_left", code: String(left), message: "\(left) attempt\(left == 1 ? "" : "s") left with this code."),
            ])
        case .locked(let seconds):
            self.init(
                .tooManyRequests, code: "VERIFICATION_LOCKED",
                message: "Too many codes or wrong attempts: try again in \(seconds) seconds with a new code.")
            headers[.retryAfter] = String(seconds)
        case .notRequired:
            self.init(.notFound, code: "RESOURCE_NOT_FOUND", message: "This link asks for no code.")
        }
    }

    private init(recipient error: RecipientError) {
        switch error {
        case .linkInvalid:
            self.init(.unauthorized, code: "TOKEN_INVALID", message: "This link is not valid: it is unknown, revoked or used up.")
        case .expired:
            self.init(.badRequest, code: "DOCUMENT_EXPIRED", message: "Access to this document has expired.")
        case .alreadySigned:
            self.init(.badRequest, code: "DOCUMENT_ALREADY_SIGNED", message: "This document is already signed.")
        case .actionNotAllowed(let action):
            self.init(.forbidden, code: "AUTH_INSUFFICIENT_PERMISSIONS", message: "This link does not allow the action '\(action.rawValue)'.")
        case .addressNotAllowed:
            self.init(.forbidden, code: "AUTH_INSUFFICIENT_PERMISSIONS", message: "This link cannot be used from your network address.")
        case .alreadyDone(let action):
            let (code, message) = switch action {
            case .decline: ("DOCUMENT_ALREADY_DECLINED", "This document was declined.")
            case .register: ("DOCUMENT_ALREADY_REGISTERED", "Your details are already registered.")
            default: ("DOCUMENT_ALREADY_ACCEPTED", "This document is already accepted.")
            }
            self.init(.badRequest, code: code, message: message)
        case .noPDF:
            self.init(.notFound, code: "RESOURCE_NOT_FOUND", message: "This document has no PDF.")
        case .noPaymentLink:
            self.init(.notFound, code: "RESOURCE_NOT_FOUND", message: "This document has no payment link.")
        case .cancelled:
            self.init(.badRequest, code: "DOCUMENT_CANCELLED", message: "This document was withdrawn by its sender.")
        case .alreadyPaid:
            self.init(.badRequest, code: "DOCUMENT_ALREADY_PAID", message: "This document is already paid.")
        case .notYourTurn:
            self.init(.conflict, code: "PARTY_NOT_YOUR_TURN", message: "The parties of earlier steps must act first; this party is notified when its turn comes.")
        }
    }

    private init(http error: HTTPError) {
        let code = switch error.status.code {
        case 404, 405: "RESOURCE_NOT_FOUND"
        case 413: "PAYLOAD_TOO_LARGE"
        case 400: "BAD_REQUEST"
        default: "HTTP_\(error.status.code)"
        }
        let message = error.status.code == 404 || error.status.code == 405
            ? "Resource not found" : (error.body ?? error.status.reasonPhrase)
        self.init(error.status, code: code, message: message)
    }
}

extension ServiceUnavailable.Reason {
    /// What a client is told.
    var message: String {
        switch self {
        case .overloaded: "The service is busy. Try again in a moment."
        case .databaseUnreachable: "The service cannot reach its database. Try again in a moment."
        case .shuttingDown: "The service is restarting. Try again in a moment."
        }
    }
}
