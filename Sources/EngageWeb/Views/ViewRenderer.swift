import Engage
import Hummingbird
import Mustache

/// Renders the Mustache templates of `Templates/`, all parsed once at start-up.
public struct ViewRenderer: Sendable {
    private let library: MustacheLibrary

    /// Loads every `.mustache` file under `directory`; a template error stops start-up.
    public init(directory: String) async throws {
        library = try await MustacheLibrary(directory: directory)
    }

    /// Renders `template` (a path under Templates/ without `.mustache`) as an HTML response.
    func render(_ template: String, _ page: some PageContext, status: HTTPResponse.Status = .ok) throws -> Response {
        guard let html = library.render(page, withTemplate: template) else {
            throw TemplateNotFound(name: template)
        }
        return Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    struct TemplateNotFound: Error, CustomStringConvertible {
        let name: String
        var description: String { "no template named \(name) under Templates/" }
    }
}

/// The values one page template reads; `layout.mustache` reads the common ones.
protocol PageContext: Sendable {
    /// The page title, after which " · Oui Engage" is shown.
    var title: String { get }
    /// The signed-in frame (navigation, sign-out form); nil on public pages.
    var chrome: PortalChrome? { get }
}

extension PageContext {
    var chrome: PortalChrome? { nil }
}

/// What the layout shows around a signed-in page.
///
/// Templates read values through `Mirror`, which sees stored properties only: no computed ones here.
struct PortalChrome: Sendable {
    let userName: String
    let role: String
    let isAdmin: Bool
    let csrfToken: String
    /// Which navigation entry is the current page, for `aria-current`.
    let onDashboard: Bool
    let onUsers: Bool
    let onAPIKeys: Bool
    let onDocuments: Bool
    let onOrganizations: Bool
    let onContacts: Bool

    init?(context: EngageRequestContext, section: String) {
        guard let user = context.user, let session = context.session else { return nil }
        userName = user.name
        role = user.role.rawValue
        isAdmin = user.role == .admin
        csrfToken = session.csrfToken
        onDashboard = section == "dashboard"
        onUsers = section == "users"
        onAPIKeys = section == "api-keys"
        onDocuments = section == "documents"
        onOrganizations = section == "organizations"
        onContacts = section == "contacts"
    }
}
