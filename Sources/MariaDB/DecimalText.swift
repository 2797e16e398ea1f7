import Foundation

/// `DECIMAL` columns as MariaDB sends them (`-1234.50`), read without `Decimal(string:)`, which
/// cost a twentieth of a document list's CPU time.
enum DecimalText {
    /// The value of `text`, equal to what `Decimal(string:)` reads; nil for what it does not expect
    /// (more than 18 significant digits, a zero, anything but digits, one point and a leading minus).
    static func decimal(_ text: UnsafeRawBufferPointer) -> Decimal? {
        var significand: UInt64 = 0
        var digits = 0
        var fractionDigits = -1
        for (index, byte) in text.enumerated() {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if significand > 0 || byte != UInt8(ascii: "0") { digits += 1 }
                guard digits <= 18 else { return nil }
                significand = significand * 10 + UInt64(byte - UInt8(ascii: "0"))
                if fractionDigits >= 0 { fractionDigits += 1 }
            case UInt8(ascii: ".") where fractionDigits < 0:
                fractionDigits = 0
            case UInt8(ascii: "-") where index == 0:
                continue
            default:
                return nil
            }
        }
        // Zero keeps its scale in `Decimal(string:)` ("0.00"): left to it, as is anything unusual.
        guard significand > 0 else { return nil }
        let negative = text.first == UInt8(ascii: "-")
        return Decimal(sign: negative ? .minus : .plus, exponent: -max(fractionDigits, 0), significand: Decimal(significand))
    }
}
