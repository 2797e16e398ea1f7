import Foundation
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
        Self.response(try html(template, page), status: status)
    }

    /// The HTML of `template` for `page`, in the request's language: templates read its texts as
    /// `{{t.key}}` and its code as `{{lang}}`.
    func html(_ template: String, _ page: some PageContext) throws -> String {
        var values = TemplateValues.tree(page) as? [String: Any] ?? [:]
        let locale = PortalLocale.current
        values["t"] = locale.messages
        values["lang"] = locale.language.rawValue
        guard let html = library.render(values, withTemplate: template) else {
            throw TemplateNotFound(name: template)
        }
        return html
    }

    static func response(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    struct TemplateNotFound: Error, CustomStringConvertible {
        let name: String
        var description: String { "no template named \(name) under Templates/" }
    }
}

/// A page's values as nested dictionaries and arrays, built once per render.
///
/// swift-mustache finds a struct's value by reflecting the whole struct again for every tag it
/// renders (most of a recipient page's CPU time went there); a dictionary is one lookup. Like the
/// reflection it replaces, this reads stored properties only.
enum TemplateValues {
    static func tree(_ value: Any) -> Any? {
        switch value {
        case is String, is Bool, is Int, is Int64, is Double, is Decimal, is Date, is SafeHTML, is [String: String]:
            return value
        default:
            break
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            return mirror.children.first.flatMap { tree($0.value) }
        case .collection, .set:
            return mirror.children.compactMap { tree($0.value) }
        case .dictionary:
            var dictionary: [String: Any] = [:]
            for pair in mirror.children {
                let entry = Mirror(reflecting: pair.value).children.map(\.value)
                if entry.count == 2, let key = entry[0] as? String, let child = tree(entry[1]) { dictionary[key] = child }
            }
            return dictionary
        case .struct, .class:
            var dictionary: [String: Any] = [:]
            for child in mirror.children {
                if let label = child.label, let converted = tree(child.value) { dictionary[label] = converted }
            }
            return dictionary
        default:
            return value
        }
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
    let onWebhooks: Bool
    let onDocuments: Bool
    let onOrganizations: Bool
    let onContacts: Bool
    let onLeads: Bool
    let onOutbox: Bool
    let onTemplates: Bool
    let onSync: Bool
    let onCatalogue: Bool
    /// One of the admin menu's pages.
    let onAdmin: Bool

    init?(context: EngageRequestContext, section: String) {
        guard let user = context.user, let session = context.session else { return nil }
        userName = user.name
        role = user.role.label
        isAdmin = user.role == .admin
        csrfToken = session.csrfToken
        onDashboard = section == "dashboard"
        onUsers = section == "users"
        onAPIKeys = section == "api-keys"
        onWebhooks = section == "webhooks"
        onDocuments = section == "documents"
        onOrganizations = section == "organizations"
        onContacts = section == "contacts"
        onLeads = section == "leads"
        onOutbox = section == "outbox"
        onTemplates = section == "templates"
        onSync = section == "sync"
        onCatalogue = section == "catalogue"
        onAdmin = onUsers || onAPIKeys || onWebhooks
    }
}
