import NIOPosix
import ScimCore
import Webhooks

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Resolves a webhook URL's host and checks every address it resolves to against ``NetworkAddressPolicy`` (unless
/// private networks are allowed): at create and patch, and again before each endpoint's deliveries.
struct WebhookAddressCheck: Sendable {
    var allowPrivateNetworks: Bool

    enum Refusal: Error, Equatable {
        case unresolvable(String)
        case forbidden(host: String, kind: String)

        var message: String {
            switch self {
            case .unresolvable(let host): "The webhook host '\(host)' does not resolve."
            case .forbidden(let host, let kind):
                "The webhook host '\(host)' resolves to a \(kind) address, which this deployment does not deliver to "
                    + "(WEBHOOK_ALLOW_PRIVATE_NETWORKS)."
            }
        }
    }

    /// nil when every address of the URL's host may be delivered to.
    func refusal(url: String) async -> Refusal? {
        guard case .success(let target) = WebhookURLRule.check(url) else { return .unresolvable(url) }
        if allowPrivateNetworks { return nil }
        let addresses: [[UInt8]]
        if let literal = NetworkAddressPolicy.parse(target.host) {
            addresses = [literal]
        } else {
            addresses = (try? await Self.resolve(target.host)) ?? []
        }
        guard !addresses.isEmpty else { return .unresolvable(target.host) }
        for address in addresses {
            let kind = NetworkAddressPolicy.kind(of: address)
            if kind != .publicAddress { return .forbidden(host: target.host, kind: kind.rawValue) }
        }
        return nil
    }

    /// The URL's refusal as the API's 400.
    func check(url: String) async throws {
        if let refusal = await refusal(url: url) { throw ScimError.invalidValue(refusal.message) }
    }

    /// Every IPv4 and IPv6 address of `host`, by `getaddrinfo` on NIO's blocking-work pool (never an event loop).
    static func resolve(_ host: String) async throws -> [[UInt8]] {
        try await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            hints.ai_family = AF_UNSPEC
            #if canImport(Darwin)
            hints.ai_socktype = SOCK_STREAM
            #else
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            #endif
            var result: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
            defer { freeaddrinfo(first) }
            var addresses: [[UInt8]] = []
            var cursor: UnsafeMutablePointer<addrinfo>? = first
            while let entry = cursor, addresses.count < 64 {
                if let address = entry.pointee.ai_addr {
                    if entry.pointee.ai_family == AF_INET {
                        address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                            addresses.append(withUnsafeBytes(of: v4.pointee.sin_addr) { Array($0) })
                        }
                    } else if entry.pointee.ai_family == AF_INET6 {
                        address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                            addresses.append(withUnsafeBytes(of: v6.pointee.sin6_addr) { Array($0) })
                        }
                    }
                }
                cursor = entry.pointee.ai_next
            }
            return addresses
        }
    }
}
