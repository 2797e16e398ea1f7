@testable import Engage
import Foundation
import Testing

@Suite("CSV")
struct CSVTests {
    @Test("cells with commas, quotes and line breaks are quoted; quotes are doubled; lines end with CRLF")
    func quoting() {
        #expect(CSV.line(["plain", "a,b", #"say "hi""#, "two\nlines", "cr\rhere", ""]) ==
            "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\rhere\",\r\n")
    }

    @Test("cells starting with = + - @ tab or CR are neutralised against formula injection")
    func formulas() {
        #expect(CSV.line(["=1+1", "+33 6 12", "-2", "@SUM(A1)", "\tx", "a=b"]) == "'=1+1,'+33 6 12,'-2,'@SUM(A1),'\tx,a=b\r\n")
        #expect(CSV.line([#"=HYPERLINK("http://evil","x")"#]) == "\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\"\r\n")
    }

    @Test("accents pass through as UTF-8 and the file starts with a byte-order mark")
    func accents() {
        #expect(Array(CSV.byteOrderMark.utf8) == [0xEF, 0xBB, 0xBF])
        #expect(CSV.line(["Café Zoë", "Ærøskøbing"]) == "Café Zoë,Ærøskøbing\r\n")
    }

    @Test("amounts use a dot and two decimals; dates are ISO")
    func values() {
        #expect(Money.format(Decimal(string: "1250.5")!) == "1250.50")
        #expect(Money.format(Decimal(string: "3")!) == "3.00")
        #expect(Money.format(Decimal(string: "0.07")!) == "0.07")
        #expect(ExportCell.time(Date(timeIntervalSince1970: 0)).text == "1970-01-01T00:00:00Z")
        #expect(ExportCell.amount(Decimal(string: "7.5")!).text == "7.50")
        #expect(CalendarDate("2024-02-29")?.description == "2024-02-29")
        #expect(CalendarDate("2025-02-29") == nil)
        #expect(CalendarDate("2025-1-01") == nil)
    }

    @Test("money input: two decimals at most, a dot, no sign tricks")
    func moneyInput() {
        #expect(Money.parse("1250.50") == Decimal(string: "1250.5"))
        #expect(Money.parse("1,250.50") == nil)
        #expect(Money.parse("12.") == nil)
        #expect(Money.parse("abc") == nil)
        #expect(Money.parse("--1") == nil)
        #expect(Money.hasAtMostTwoDecimals(Decimal(string: "1.23")!))
        #expect(!Money.hasAtMostTwoDecimals(Decimal(string: "1.234")!))
    }
}

@Suite("JSON writer")
struct JSONWriterTests {
    @Test("writes what JSONEncoder would: escaping, nulls, exact decimals, ISO dates, sorted nested keys, commas between nested members")
    func matchesEncoder() throws {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("text"); writer.value("quote \" backslash \\ newline \n tab \t bell \u{7} café/é")
        writer.key("none"); writer.value(nil as String?)
        writer.key("amount"); writer.value(Decimal(string: "5000.10"))
        writer.key("when"); writer.value(Date(timeIntervalSince1970: 1_737_369_000.75))
        writer.key("nested"); writer.value(JSONValue.object(["b": .array([.number(1), .bool(false), .null]), "a": .string("x")]))
        writer.key("list"); writer.beginArray(); writer.value(1); writer.value(Int64(2)); writer.beginObject(); writer.endObject(); writer.endArray()
        writer.key("rows"); writer.beginArray()
        writer.beginObject(); writer.key("a"); writer.value(1); writer.key("b"); writer.beginArray(); writer.endArray(); writer.endObject()
        writer.beginObject(); writer.key("c"); writer.value("plain"); writer.endObject()
        writer.endArray()
        writer.endObject()
        let text = String(decoding: writer.bytes, as: UTF8.self)
        #expect(text == #"{"text":"quote \" backslash \\ newline \n tab \t bell \u0007 café/é","none":null,"amount":5000.1,"when":"2025-01-20T10:30:00Z","nested":{"a":"x","b":[1,false,null]},"list":[1,2,{}],"rows":[{"a":1,"b":[]},{"c":"plain"}]}"#)
        #expect((try? JSONSerialization.jsonObject(with: Data(writer.bytes))) != nil)
    }

    @Test("decimals are written as their description writes them: parsed, computed, tiny, huge, negative, zero")
    func decimals() {
        var values = ["0", "0.00", "-0.01", "5000.10", "100", "1e3", "0.000123", "123456789012345678", "1234567890123456789012",
                      "-98765.4321", "12345678.9", "0.5"].map { Decimal(string: $0)! }
        let twelveFifty = Decimal(string: "12.50")!
        // Arithmetic leaves trailing zeros and other scales behind.
        values += [twelveFifty * 3, twelveFifty / 4, twelveFifty - twelveFifty, Decimal(1) / Decimal(3), twelveFifty * 1000, Decimal(0.1) + Decimal(0.2)]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let cents = Decimal(Int64.random(in: -10_000_000_000_000...10_000_000_000_000, using: &generator))
            values.append(cents / 100)
            values.append(cents * Decimal(sign: .plus, exponent: Int.random(in: -20...20, using: &generator), significand: 1))
        }
        for value in values {
            var writer = JSONWriter()
            writer.value(value)
            #expect(String(decoding: writer.bytes, as: UTF8.self) == value.description, "\(value)")
        }
    }
}

@Suite("Calendar dates")
struct CalendarDateTextTests {
    @Test("a day reads YYYY-MM-DD, zero-padded, as String(format:) wrote it, over four centuries and beyond four digits")
    func text() {
        var day = CalendarDate(year: 1900, month: 1, day: 1)
        for _ in 0..<(400 * 366) where day.year < 2300 {
            #expect(day.description == String(format: "%04d-%02d-%02d", day.year, day.month, day.day))
            day = CalendarDate(Calendar.utc.date(byAdding: .day, value: 1, to: day.startOfDay)!)
        }
        #expect(CalendarDate(year: 7, month: 3, day: 9).description == "0007-03-09")
        #expect(CalendarDate(year: 12345, month: 12, day: 31).description == "12345-12-31")
    }
}
