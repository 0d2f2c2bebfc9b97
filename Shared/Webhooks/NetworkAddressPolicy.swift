#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Which addresses a webhook may be delivered to (server-side request forgery): a deployment refuses loopback,
/// link-local, private, shared (CGNAT), multicast, unspecified and reserved addresses, including those written
/// inside an IPv6 address (IPv4-mapped, IPv4-compatible, NAT64, 6to4), unless private networks are allowed.
package enum NetworkAddressPolicy {
    package enum Kind: String, Sendable, Equatable {
        case publicAddress = "public"
        case loopback
        case linkLocal = "link-local"
        case privateNetwork = "private"
        case sharedAddressSpace = "shared"
        case multicast
        case unspecified
        case reserved
    }

    /// The kind of a 4- or 16-byte address; any other length is `reserved` (refused).
    package static func kind(of bytes: [UInt8]) -> Kind {
        switch bytes.count {
        case 4: return ipv4Kind(bytes)
        case 16: return ipv6Kind(bytes)
        default: return .reserved
        }
    }

    /// True when a delivery may go to this address.
    package static func isAllowed(_ bytes: [UInt8], allowPrivateNetworks: Bool) -> Bool {
        allowPrivateNetworks || kind(of: bytes) == .publicAddress
    }

    /// The bytes of a textual IPv4 or IPv6 address (brackets allowed around IPv6); nil when it is not one.
    package static func parse(_ text: String) -> [UInt8]? {
        var host = text
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        var v4 = [UInt8](repeating: 0, count: 4)
        if inet_pton(AF_INET, host, &v4) == 1 { return v4 }
        var v6 = [UInt8](repeating: 0, count: 16)
        if inet_pton(AF_INET6, host, &v6) == 1 { return v6 }
        return nil
    }

    private static func ipv4Kind(_ b: [UInt8]) -> Kind {
        switch (b[0], b[1]) {
        case (0, _): return .unspecified  // 0.0.0.0/8 ("this network")
        case (127, _): return .loopback
        case (10, _), (172, 16...31), (192, 168): return .privateNetwork
        case (100, 64...127): return .sharedAddressSpace  // RFC 6598, CGNAT
        case (169, 254): return .linkLocal  // includes the cloud metadata address 169.254.169.254
        case (224...239, _): return .multicast
        case (240...255, _): return .reserved  // includes 255.255.255.255
        case (192, 0) where b[2] == 0, (198, 18...19): return .reserved  // IETF protocol assignments, benchmarking
        default: return .publicAddress
        }
    }

    private static func ipv6Kind(_ b: [UInt8]) -> Kind {
        let firstTen = b[0..<10].allSatisfy { $0 == 0 }
        if firstTen, b[10] == 0xff, b[11] == 0xff { return ipv4Kind(Array(b[12..<16])) }  // ::ffff:a.b.c.d
        if b[0..<12].allSatisfy({ $0 == 0 }) {
            if b[12..<15].allSatisfy({ $0 == 0 }) && b[15] <= 1 { return b[15] == 1 ? .loopback : .unspecified }  // ::1, ::
            return ipv4Kind(Array(b[12..<16]))  // ::a.b.c.d (IPv4-compatible, deprecated)
        }
        if b[0..<12] == [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0] { return ipv4Kind(Array(b[12..<16])) }  // NAT64
        if b[0] == 0x20, b[1] == 0x02 { return ipv4Kind(Array(b[2..<6])) }  // 6to4
        if b[0] == 0xff { return .multicast }
        if b[0] == 0xfe, b[1] & 0xc0 == 0x80 { return .linkLocal }  // fe80::/10
        if b[0] == 0xfe, b[1] & 0xc0 == 0xc0 { return .reserved }  // fec0::/10, site-local (deprecated)
        if b[0] & 0xfe == 0xfc { return .privateNetwork }  // fc00::/7, unique local
        return .publicAddress
    }
}
