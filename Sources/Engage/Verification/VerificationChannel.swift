import Foundation

/// Where a link's one-time code goes: the recipient's email or phone.
public enum VerificationChannel: String, Sendable, CaseIterable {
    case email, sms

    /// The message channel that carries the code.
    var messageChannel: MessageChannel {
        self == .email ? .email : .sms
    }

    /// `address` as the page shows it: enough to recognise, not enough to learn
    /// (`j•••@acme.example`, `+33 6 •• •• •• 78`).
    public func masked(_ address: String) -> String {
        switch self {
        case .email: Self.maskedEmail(address)
        case .sms: Self.maskedPhone(address)
        }
    }

    private static func maskedEmail(_ address: String) -> String {
        guard let at = address.lastIndex(of: "@"), at > address.startIndex else { return "•••" }
        return "\(address[address.startIndex])•••\(address[at...])"
    }

    /// The country code, the national number's first digit, its last two, and a dot for every other digit, in pairs.
    private static func maskedPhone(_ phone: String) -> String {
        let digits = Array(phone.drop { $0 == "+" })
        let country = countryCodeLength(digits)
        guard digits.count >= country + 4 else { return "+" + String(repeating: "•", count: max(digits.count, 1)) }
        let national = digits[country...]
        let hidden = national.count - 3
        var groups = [String(national.first!)]
        var dots = String(repeating: "•", count: hidden % 2)
        for _ in 0..<(hidden / 2) {
            if !dots.isEmpty { groups.append(dots) }
            dots = "••"
        }
        if !dots.isEmpty { groups.append(dots) }
        groups.append(String(national.suffix(2)))
        return "+" + String(digits[..<country]) + " " + groups.joined(separator: " ")
    }

    /// E.164 country codes are prefix-free: 1 and 7 are one digit, these are two, the rest three.
    private static func countryCodeLength(_ digits: [Character]) -> Int {
        guard let first = digits.first else { return 0 }
        if first == "1" || first == "7" { return 1 }
        let two: Set<String> = [
            "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47", "48", "49", "51",
            "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65", "66", "81", "82", "84", "86", "90",
            "91", "92", "93", "94", "95", "98",
        ]
        return two.contains(String(digits.prefix(2))) ? 2 : 3
    }
}
