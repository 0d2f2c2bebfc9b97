import Foundation
import Hummingbird
import ScimCore
import ServiceKit

/// The credential of an `Authorization: Bearer …` header (scheme case-insensitive). Read on every SCIM request, so
/// it compares bytes rather than splitting and lowercasing the header.
enum BearerCredential {
    private static let scheme = Array("bearer".utf8)

    static func from(_ request: Request) -> String? {
        from(header: request.headers.value(of: .authorization))
    }

    static func from(header: String?) -> String? {
        guard let header else { return nil }
        let bytes = header.utf8
        guard bytes.count > scheme.count + 1,
            zip(bytes, scheme).allSatisfy({ byte, expected in byte | 0x20 == expected }),
            bytes[bytes.index(bytes.startIndex, offsetBy: scheme.count)] == UInt8(ascii: " ")
        else { return nil }
        let credential = header.utf8.dropFirst(scheme.count + 1)
        let trimmed = Substring(credential).trimmingSpaces()
        return trimmed.isEmpty ? nil : trimmed
    }
}
