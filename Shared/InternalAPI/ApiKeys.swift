import Foundation
import ScimCore

/// What a tenant API key opens (README "Tenant API keys"): `admin` the tenant's admin API, `viewer` the same read-only,
/// `app` the tenant's application API (`/api/v1/tenants/{tenant}/…`).
package enum ApiKeyRole: String, Codable, Sendable, Hashable, CaseIterable {
    case app, admin, viewer
}

/// `POST /admin/v1/tenants/{tenant}/api-keys`: the body as the client sent it, checked by ``validated()`` so that a
/// missing or unknown field gets a clear 400 rather than a decoding error.
package struct ApiKeyCreateRequest: Codable, Sendable, Hashable {
    package var name: String?
    package var role: String?

    /// Longest name, in characters.
    package static var maximumNameLength: Int { 100 }

    package init(name: String?, role: String?) {
        self.name = name
        self.role = role
    }

    /// The trimmed name and the role; 400 `invalidValue` naming what is wrong.
    package func validated() throws -> (name: String, role: ApiKeyRole) {
        let roles = ApiKeyRole.allCases.map(\.rawValue).joined(separator: ", ")
        let name = (self.name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw ScimError.invalidValue("An API key needs a name (1 to \(Self.maximumNameLength) characters).") }
        guard name.count <= Self.maximumNameLength, !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw ScimError.invalidValue("An API key's name must be 1 to \(Self.maximumNameLength) characters without control characters.")
        }
        guard let text = role else { throw ScimError.invalidValue("An API key needs a role: one of \(roles).") }
        guard let role = ApiKeyRole(rawValue: text) else {
            throw ScimError.invalidValue("Unknown API key role '\(text.prefix(40))': use one of \(roles).")
        }
        return (name, role)
    }
}

/// What is kept about a tenant API key and shown to admins: never the secret. `lastUsedAt` is `null` until first use.
package struct ApiKeyMetadata: Codable, Sendable, Hashable {
    package var id: String
    package var name: String
    package var role: ApiKeyRole
    /// The non-secret part of the key (`pvk_<prefix>_…`), so admins can tell keys apart.
    package var prefix: String
    package var createdAt: Date
    package var lastUsedAt: Date?

    package init(id: String, name: String, role: ApiKeyRole, prefix: String, createdAt: Date, lastUsedAt: Date?) {
        self.id = id
        self.name = name
        self.role = role
        self.prefix = prefix
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, name, role, prefix, createdAt, lastUsedAt
    }

    /// Every field, `lastUsedAt` as `null` when the key was never used (the contract names it).
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(role, forKey: .role)
        try container.encode(prefix, forKey: .prefix)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(lastUsedAt, forKey: .lastUsedAt)
    }
}

/// The answer to a key's creation: the only time the key itself is shown.
package struct IssuedApiKey: Codable, Sendable, Hashable {
    package var key: String
    package var metadata: ApiKeyMetadata

    package init(key: String, metadata: ApiKeyMetadata) {
        self.key = key
        self.metadata = metadata
    }
}

package struct ApiKeyVerifyRequest: Codable, Sendable, Hashable {
    package var key: String
    package init(key: String) { self.key = key }
}

/// A successful verification: the one tenant the key belongs to and its role.
package struct ApiKeyVerification: Codable, Sendable, Hashable {
    package var tenantID: String
    package var keyID: String
    package var role: ApiKeyRole

    package init(tenantID: String, keyID: String, role: ApiKeyRole) {
        self.tenantID = tenantID
        self.keyID = keyID
        self.role = role
    }
}

/// Tenant API keys share the `Authorization: Bearer` header with SCIM tokens; this prefix tells them apart.
package enum ApiKeyFormat {
    package static let scheme = "pvk"
    /// No key is longer (`pvk_`, a 10-character prefix, `_`, at most 128 characters of secret): a longer credential is
    /// refused without asking the token service.
    package static let maximumLength = 143

    /// Whether a presented credential is meant as a tenant API key (`pvk_…`), whatever its validity.
    package static func isApiKey(_ credential: some StringProtocol) -> Bool {
        credential.utf8.starts(with: "pvk_".utf8)
    }
}
