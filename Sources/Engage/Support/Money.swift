import Foundation

/// Amounts of money as exact decimals with two places, as `DECIMAL(15,2)` stores them.
public enum Money {
    /// The first amount that does not fit in `DECIMAL(15,2)`.
    static let limit = Decimal(string: "10000000000000")!

    /// Parses "1250.50" (a dot, no thousands separators); nil for anything else.
    static func parse(_ text: String) -> Decimal? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digitsAndDot = trimmed.drop { $0 == "-" }
        guard !digitsAndDot.isEmpty, digitsAndDot.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              digitsAndDot.filter({ $0 == "." }).count <= 1, digitsAndDot.first != ".", digitsAndDot.last != ".",
              trimmed.count - digitsAndDot.count <= 1
        else { return nil }
        return Decimal(string: trimmed, locale: Locale(identifier: "en_US_POSIX"))
    }

    /// True when the amount has no more than two decimal places.
    static func hasAtMostTwoDecimals(_ amount: Decimal) -> Bool {
        cents(amount) == amount
    }

    /// "1250.50": always two decimals and a dot, the form exports and the API use.
    public static func format(_ amount: Decimal) -> String {
        let text = NSDecimalNumber(decimal: cents(amount)).stringValue
        guard let dot = text.firstIndex(of: ".") else { return text + ".00" }
        let decimals = text.distance(from: dot, to: text.endIndex) - 1
        return decimals == 1 ? text + "0" : text
    }

    /// The amount rounded to the cent, halves away from zero (half up for amounts above 0).
    public static func cents(_ amount: Decimal) -> Decimal {
        rounded(amount, places: 2)
    }

    /// `number` rounded to `places` decimals, halves away from zero.
    static func rounded(_ number: Decimal, places: Int) -> Decimal {
        var value = number
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, places, .plain)
        return rounded
    }
}
