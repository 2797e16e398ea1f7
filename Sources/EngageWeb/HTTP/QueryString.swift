import Engage
import Foundation

/// Builds `a=1&b=two%20words` query strings for links.
enum QueryString {
    /// The pairs, percent-encoded, in order.
    static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { "\($0.0)=\(escape($0.1))" }.joined(separator: "&")
    }

    /// `path` with the pairs appended, or just `path` when there are none.
    static func url(_ path: String, _ pairs: [(String, String)]) -> String {
        pairs.isEmpty ? path : path + "?" + encode(pairs)
    }

    /// `value` with every byte but a query's own characters (less `&=+?#`) percent-encoded, as
    /// `addingPercentEncoding(withAllowedCharacters:)` does, byte by byte: building the character set
    /// for each call was a visible cost of every list's page links.
    static func escape(_ value: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(value.utf8.count)
        for byte in value.utf8 {
            if byte < 128 && allowed[Int(byte)] {
                bytes.append(byte)
            } else {
                bytes.append(UInt8(ascii: "%"))
                bytes.append(hexDigits[Int(byte >> 4)])
                bytes.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// Per ASCII byte: letters, digits and `!$'()*,-./:;@_~`.
    private static let allowed: [Bool] = (0..<128).map { byte in
        let character = Character(Unicode.Scalar(UInt8(byte)))
        return character.isASCII && (character.isLetter || character.isNumber || "!$'()*,-./:;@_~".contains(character))
    }
}

/// The first, previous, next and last pages of a list, as URLs that keep the list's other parameters.
struct PageLinks: Sendable {
    let first: String
    private(set) var prev: String?
    private(set) var next: String?
    private(set) var last: String?

    init<Item>(_ page: Page<Item>, path: String, parameters: [(String, String)]) {
        let request = page.request
        let lastPage = max(page.totalPages, 1)
        func link(_ number: Int) -> String {
            QueryString.url(path, parameters.filter { $0.0 != "page" && $0.0 != "per_page" }
                + [("page", String(number)), ("per_page", String(request.perPage))])
        }
        first = link(1)
        // Past the end, "previous" leads back to the last page rather than to another empty one.
        prev = request.page > 1 ? link(min(request.page - 1, lastPage)) : nil
        next = request.page < page.totalPages ? link(request.page + 1) : nil
        last = link(lastPage)
    }

    /// Follows the list with `cursor` instead of page numbers: `next` carries it (none at the end),
    /// and `last` (a number past the depth numbers reach) is left out; so is `prev` on a page
    /// reached by cursor, which has no number.
    mutating func goOn(with cursor: String?, path: String, parameters: [(String, String)], perPage: Int, reachedByCursor: Bool) {
        next = cursor.map {
            QueryString.url(path, parameters.filter { !["page", "per_page", "cursor"].contains($0.0) } + [("cursor", $0), ("per_page", String(perPage))])
        }
        last = nil
        if reachedByCursor { prev = nil }
    }

    /// The RFC 8288 relation names with their URLs, in order.
    var relations: [(String, String?)] {
        [("first", first), ("prev", prev), ("next", next), ("last", last)]
    }
}

/// One `<option>` of a `<select>`.
struct SelectOption: Sendable {
    let value: String
    let label: String
    let selected: Bool

    /// An option per value of `choices` (labelled by its raw value), with `selected` chosen.
    static func all<T: RawRepresentable & CaseIterable>(_: T.Type, selected: String?) -> [SelectOption] where T.RawValue == String {
        all(Array(T.allCases), selected: selected)
    }

    /// The identity checks a link may ask for, in the portal's language.
    static func identityChecks(selected: String?) -> [SelectOption] {
        [SelectOption(value: "none", label: PortalLocale.current.text("identityCheckNone"), selected: (selected ?? "none") == "none")]
            + VerificationChannel.allCases.map { SelectOption(value: $0.rawValue, label: $0.label, selected: selected == $0.rawValue) }
    }

    /// An option per value of `choices`, in order.
    static func all<T: RawRepresentable>(_ choices: [T], selected: String?) -> [SelectOption] where T.RawValue == String {
        choices.map { SelectOption(value: $0.rawValue, label: $0.rawValue.replacingOccurrences(of: "_", with: " "), selected: $0.rawValue == selected) }
    }
}
