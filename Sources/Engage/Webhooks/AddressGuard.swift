import Foundation
import NIOPosix

/// Keeps webhooks from reaching the server's own network (SSRF): a host is called only when every
/// address it resolves to is public, and the connection is then made to one of those checked
/// addresses, so a second DNS answer cannot swap in another.
public struct AddressGuard: Sendable {
    /// Lifts the guard for development and tests (`ENGAGE_WEBHOOK_ALLOW_PRIVATE=1`).
    public let allowPrivate: Bool

    public init(allowPrivate: Bool) {
        self.allowPrivate = allowPrivate
    }

    /// Why a host may not be called.
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    // Loopback, private, link-local (cloud metadata), CGNAT, multicast, reserved and unique-local
    // ranges; IPv4-mapped IPv6 addresses are read as the IPv4 address they carry.
    private static let forbidden = [
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4",
        "::/128", "::1/128", "fc00::/7", "fe80::/10", "ff00::/8",
    ].compactMap(IPNetwork.init)

    /// Whether `address` lies in a range a webhook may not reach, directly or through the IPv4
    /// address a NAT64 or 6to4 one carries.
    static func isForbidden(_ address: String) -> Bool {
        forbidden.contains { $0.contains(address) } || embeddedIPv4(address).map(isForbidden) == true
    }

    /// The IPv4 address inside a NAT64 (`64:ff9b::/96`) or 6to4 (`2002::/16`) address, which a
    /// gateway would turn into a connection to it.
    static func embeddedIPv4(_ address: String) -> String? {
        guard let bytes = IPNetwork.addressBytes(address), bytes.count == 16 else { return nil }
        let nat64: [UInt8] = [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0]
        if Array(bytes[0..<12]) == nat64 { return bytes[12..<16].map(String.init).joined(separator: ".") }
        if bytes[0] == 0x20, bytes[1] == 0x02 { return bytes[2..<6].map(String.init).joined(separator: ".") }
        return nil
    }

    /// The addresses `host` resolves to, every one of them allowed; throws the refusal otherwise.
    public func check(host: String) async throws -> [String] {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let addresses = try await NIOThreadPool.singleton.runIfActive { Self.resolve(bare) }
        guard !addresses.isEmpty else { throw Refusal(description: "\(bare) does not resolve to an address.") }
        if !allowPrivate, let inside = addresses.first(where: Self.isForbidden) {
            throw Refusal(description: "\(bare) resolves to \(inside), a private, loopback or reserved address that webhooks may not reach.")
        }
        return addresses
    }

    /// Every address of `host` (a name or a literal), as text.
    private static func resolve(_ host: String) -> [String] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0 else { return [] }
        defer { freeaddrinfo(list) }
        var addresses: [String] = []
        var entry = list
        while let info = entry?.pointee {
            var text = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(info.ai_addr, info.ai_addrlen, &text, socklen_t(text.count), nil, 0, NI_NUMERICHOST) == 0 {
                let address = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if !addresses.contains(address) { addresses.append(address) }
            }
            entry = info.ai_next
        }
        return addresses
    }
}
