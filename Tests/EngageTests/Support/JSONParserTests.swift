@testable import Engage
import Foundation
import Testing

/// The API's JSON reader against Foundation's `JSONDecoder` reading `JSONValue`: the same values
/// for every valid body, a refusal for every invalid one.
@Suite("JSON parser")
struct JSONParserTests {
    @Test("reads what JSONDecoder reads, the same way", arguments: [
        #"{}"#,
        #" { "a" : 1 , "b": [true, false, null, "x", -0.5e-3, 12.50, 1E+2, 0] } "#,
        #"{"nested": {"deeper": {"list": [[], {}, [1, [2, [3]]]]}}}"#,
        #"{"escapes": "\" \\ \/ \b \f \n \r \t \u00e9 \u20AC \ud83d\ude00", "plain": "Île-de-France 😀"}"#,
        #"{"big": 1e125, "small": -1e125, "tiny": 1e-200, "long": 123456789012345678901234567890.123456789}"#,
        #"{"same": 1, "same": 2}"#,
        "\u{FEFF}{\"bom\": true}",
    ])
    func sameAsFoundation(text: String) throws {
        let parsed = try JSONParser.object(Data(text.utf8))
        let decoded = try JSONDecoder().decode([String: JSONValue].self, from: Data(text.utf8))
        #expect(parsed == decoded)
    }

    @Test("refuses what is not a JSON object", arguments: [
        "", "   ", "[1]", "\"text\"", "1", "null",
        #"{"a": 1,}"#, #"{"a" 1}"#, #"{'a': 1}"#, #"{"a": 01}"#, #"{"a": 1.}"#, #"{"a": .5}"#, #"{"a": +1}"#,
        #"{"a": tru}"#, #"{"a": "unterminated}"#, "{\"a\": \"tab\tinside\"}", #"{"a": "\x"}"#, #"{"a": "\u12"}"#,
        #"{"a": "\udc00"}"#, #"{"a": "\ud800"}"#, #"{"a": "\ud800\u0041"}"#, #"{"a": 1} trailing"#, #"{"a": [1, 2}"#,
        #"{"a": NaN}"#, #"{"a": 1e}"#,
    ])
    func refuses(text: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.object(Data(text.utf8)) }
    }

    @Test("invalid UTF-8 and nesting past 512 levels are refused")
    func limits() {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.object([UInt8]("{\"a\": \"".utf8) + [0xC3, 0x28] + [UInt8]("\"}".utf8)) }
        let deep = "{\"a\": " + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "}"
        #expect(throws: JSONSyntaxError.self) { try JSONParser.object(Data(deep.utf8)) }
    }

    @Test("a number beyond ±1e125 is refused with its path; one closer to 0 than Decimal holds is 0")
    func numbers() throws {
        let refused = #expect(throws: JSONSyntaxError.self) { try JSONParser.object(Data(#"{"rows": [{"price": 2e125}]}"#.utf8)) }
        #expect(refused?.path == "rows.0.price")
        #expect(try JSONParser.object(Data(#"{"a": 1e-300}"#.utf8)) == ["a": .number(0)])
        #expect(throws: JSONSyntaxError.self) { try JSONParser.object(Data(#"{"a": 1e400}"#.utf8)) }
    }
}
