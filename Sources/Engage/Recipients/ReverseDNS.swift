import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The host name of a client's address, for a party's completion evidence: looked up on a
/// thread of its own and given up after a deadline, so a slow resolver never holds a request long.
enum ReverseDNS {
    /// The name `address` resolves back to, or nil when it does not within `timeout` seconds.
    static func name(of address: String?, timeout: Double = 1) async -> String? {
        guard let address, !address.isEmpty else { return nil }
        return await withCheckedContinuation { continuation in
            let answer = FirstAnswer(continuation)
            Thread.detachNewThread { answer.give(lookup(address)) }
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { answer.give(nil) }
        }
    }

    /// `getnameinfo` with a name required: nil when there is none.
    private static func lookup(_ address: String) -> String? {
        var v4 = sockaddr_in()
        var v6 = sockaddr_in6()
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        let status: Int32
        if inet_pton(AF_INET, address, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            status = withUnsafePointer(to: &v4) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    getnameinfo($0, socklen_t(MemoryLayout<sockaddr_in>.size), &host, socklen_t(host.count), nil, 0, NI_NAMEREQD)
                }
            }
        } else if inet_pton(AF_INET6, address, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            status = withUnsafePointer(to: &v6) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    getnameinfo($0, socklen_t(MemoryLayout<sockaddr_in6>.size), &host, socklen_t(host.count), nil, 0, NI_NAMEREQD)
                }
            }
        } else {
            return nil
        }
        guard status == 0 else { return nil }
        return String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Resumes its continuation with the first answer given; later ones are dropped.
    private final class FirstAnswer: @unchecked Sendable {
        private let lock = NSLock()
        private var continuation: CheckedContinuation<String?, Never>?

        init(_ continuation: CheckedContinuation<String?, Never>) {
            self.continuation = continuation
        }

        func give(_ name: String?) {
            lock.lock()
            let waiting = continuation
            continuation = nil
            lock.unlock()
            waiting?.resume(returning: name)
        }
    }
}
