import Engage
import Hummingbird

extension Language {
    /// A recipient page's language: `?lang=` (the page's switch), then a form's `lang` field, then
    /// the best of `Accept-Language`; English otherwise.
    static func of(_ request: Request, form: [String: String] = [:]) -> Language {
        if let chosen = request.uri.queryParameters["lang"].flatMap({ Self(rawValue: String($0)) }) { return chosen }
        if let chosen = form["lang"].flatMap(Self.init(rawValue:)) { return chosen }
        return preferred(request.headers[.acceptLanguage] ?? "")
    }

    /// The other language, for the switch.
    var other: Language { self == .fr ? .en : .fr }
}
