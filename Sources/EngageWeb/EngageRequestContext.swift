import Hummingbird
import Logging

/// What every handler knows about the request it serves.
public struct EngageRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The id echoed in `X-Request-ID` and attached to every log line of the request.
    public var requestID: String

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.requestID = ""
    }
}
