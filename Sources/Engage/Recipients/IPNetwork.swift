import Foundation

/// An IPv4 or IPv6 block in CIDR notation (`192.168.1.0/24`, `2001:db8::/32`); a bare address is
/// a block of one.
public struct IPNetwork: Sendable, Equatable, CustomStringConvertible {
    /// The address bytes (4 or 16), with the bits past the prefix cleared.
    private let bytes: [UInt8]
    private let prefixLength: Int

    /// Parses `text`; nil when it is not an address with an optional prefix length in range.
    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = Self.addressBytes(String(parts[0])) else { return nil }
        let bits = address.count * 8
        var length = bits
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), (0...bits).contains(parsed), parts[1].allSatisfy(\.isNumber) else { return nil }
            length = parsed
        }
        self.prefixLength = length
        self.bytes = Self.masked(address, to: length)
    }

    /// True when `address` (either family; IPv4-mapped IPv6 counts as IPv4) lies in the block.
    public func contains(_ address: String) -> Bool {
        guard let other = Self.addressBytes(address), other.count == bytes.count else { return false }
        return Self.masked(other, to: prefixLength) == bytes
    }

    /// The block in canonical form, as it is stored.
    public var description: String {
        var storage = bytes
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        _ = inet_ntop(family, &storage, &text, socklen_t(text.count))
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) + "/\(prefixLength)"
    }

    /// The 4 or 16 bytes of an address; IPv4-mapped IPv6 (`::ffff:1.2.3.4`) gives the IPv4 bytes.
    static func addressBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
            return Array(bytes[12...])
        }
        return bytes
    }

    private static func masked(_ bytes: [UInt8], to length: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let kept = max(0, min(8, length - index * 8))
            return kept == 8 ? byte : byte & ~(UInt8(0xff) >> kept)
        }
    }
}
