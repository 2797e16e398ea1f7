import Engage
import Testing

@Suite("Recipient rules: address blocks and devices")
struct RecipientRulesTests {
    @Test("CIDR blocks of both families", arguments: [
        ("192.168.1.0/24", "192.168.1.255", true), ("192.168.1.0/24", "192.168.0.255", false),
        ("10.0.0.0/8", "10.200.3.4", true), ("0.0.0.0/0", "8.8.8.8", true), ("203.0.113.7", "203.0.113.7", true),
        ("203.0.113.7", "203.0.113.8", false), ("2001:db8::/32", "2001:0db8:1::1", true), ("2001:db8::/32", "2001:db9::", false),
        ("fe80::/10", "febf::1", true), ("fe80::/10", "fec0::1", false), ("192.168.1.0/24", "::ffff:192.168.1.9", true),
        ("192.168.1.0/24", "2001:db8::1", false),
    ])
    func blocks(block: String, address: String, inside: Bool) throws {
        let network = try #require(IPNetwork(block))
        #expect(network.contains(address) == inside)
    }

    @Test("malformed blocks are refused")
    func malformed() {
        for text in ["", "10.0.0.0/33", "10.0.0/8", "2001:db8::/129", "10.0.0.0/-1", "10.0.0.0/8/8", "host.example", "10.0.0.0/ 8"] {
            #expect(IPNetwork(text) == nil, "\(text)")
        }
        #expect(IPNetwork("192.168.1.77/24")?.description == "192.168.1.0/24")
        #expect(IPNetwork("2001:DB8::1/32")?.description == "2001:db8::/32")
    }

    @Test("device types from user agents", arguments: [
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36", DeviceType.desktop),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Version/17.0 Safari/605.1.15", .desktop),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148", .mobile),
        ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36", .mobile),
        ("Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148", .tablet),
        ("Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 Chrome/120.0 Safari/537.36", .tablet),
        ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", .bot),
        ("curl/8.5.0", .bot), ("", .bot),
        ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/120.0 Safari/537.36", .desktop),
    ])
    func devices(agent: String, expected: DeviceType) {
        #expect(DeviceType.of(userAgent: agent) == expected)
    }
}
