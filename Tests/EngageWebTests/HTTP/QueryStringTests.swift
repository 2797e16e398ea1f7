import Foundation
import Testing

@testable import EngageWeb

@Suite("Query strings")
struct QueryStringTests {
    @Test("a value is escaped exactly as Foundation's percent-encoding with the query's characters less &=+?# would")
    func escapeMatchesFoundation() {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        let scalars = (0..<0x3100).compactMap(Unicode.Scalar.init).map { String(Character($0)) }
        for value in scalars + ["Kavor & Fils", "a=b+c?d#e", "été 2026/№5", "🙂 emoji", ""] {
            #expect(QueryString.escape(value) == value.addingPercentEncoding(withAllowedCharacters: allowed), "\(value.unicodeScalars.map(\.value))")
        }
    }

    @Test("page links keep the list's other parameters, escaped")
    func pageLinks() {
        #expect(QueryString.url("/api/v1/document-engagements", [("search", "Kavor & Fils"), ("page", "2")])
            == "/api/v1/document-engagements?search=Kavor%20%26%20Fils&page=2")
    }
}
